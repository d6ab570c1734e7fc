//! 按姓名拼音排序: names in the order clerks and the 学籍 system list them — by pinyin, not by
//! the characters' code points (which put 侯 before 向 before 周 before 唐).

use pinyin::ToPinyin;

/// Surnames read otherwise than the character's first reading.
const SURNAMES: [(char, &str); 12] = [
    ('曾', "zeng"),
    ('单', "shan"),
    ('解', "xie"),
    ('仇', "qiu"),
    ('区', "ou"),
    ('朴', "piao"),
    ('查', "zha"),
    ('覃', "qin"),
    ('尉', "yu"),
    ('盖', "ge"),
    ('缪', "miao"),
    ('乐', "yue"),
];

/// A key that sorts names by pinyin, syllable by syllable (the surname as a surname is
/// read), then by the characters themselves, so 王 and 汪 stay apart but side by side.
/// Characters without a reading (Latin letters, digits, ·) stand for themselves.
pub fn name_key(name: &str) -> String {
    let name = name.trim();
    let mut key = String::with_capacity(name.len() * 3);
    for (i, (c, p)) in name.chars().zip(name.to_pinyin()).enumerate() {
        if i > 0 {
            key.push(' ');
        }
        let surname = (i == 0)
            .then(|| SURNAMES.iter().find(|(s, _)| *s == c).map(|(_, r)| *r))
            .flatten();
        match surname.or(p.map(|p| p.plain())) {
            Some(reading) => key.push_str(reading),
            None => key.extend(c.to_lowercase()),
        }
    }
    key.push('\u{0}');
    key.push_str(name);
    key
}

#[cfg(test)]
mod tests {
    use super::name_key;

    fn sorted(names: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        v.sort_by_cached_key(|n| name_key(n));
        v
    }

    #[test]
    fn names_go_by_pinyin_with_surnames_read_as_surnames() {
        assert_eq!(
            sorted(&[
                "周杰",
                "唐涵",
                "向天铭",
                "侯明",
                "覃志睿",
                "曾小红",
                "张三",
                "阿依古丽"
            ]),
            [
                "阿依古丽",
                "侯明",
                "覃志睿",
                "唐涵",
                "向天铭",
                "曾小红",
                "张三",
                "周杰"
            ]
        );
        // Same syllables: both kept, by character; a shorter name first.
        assert_eq!(sorted(&["汪洋", "王洋", "王"]), ["王", "汪洋", "王洋"]);
        // A name with Latin letters or a middle dot sorts too, and nothing panics.
        assert_eq!(
            sorted(&["Anna", "买买提·艾力", ""]),
            ["", "Anna", "买买提·艾力"]
        );
    }
}
