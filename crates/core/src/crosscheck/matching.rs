//! Matching people without a usable ID number: by name and birth date, with a confidence.
//! Names differ between departments by variant or traditional characters (劉/刘) and by
//! homophones typed in a hurry (张丽/张莉); both are scored, not ignored.

use chrono::{Datelike, NaiveDate};
use pinyin::ToPinyin;

use crate::model::Sex;

/// Variant forms seen in names that a traditional-to-simplified table leaves alone (and a
/// few traditional ones, harmless twice), with the form the ledger uses, sorted by the first
/// character for binary search.
const VARIANTS: &[(char, char)] = &[
    ('偉', '伟'),
    ('傑', '杰'),
    ('剛', '刚'),
    ('劉', '刘'),
    ('吳', '吴'),
    ('呂', '吕'),
    ('喆', '哲'),
    ('嚴', '严'),
    ('國', '国'),
    ('堃', '坤'),
    ('嬌', '娇'),
    ('孫', '孙'),
    ('張', '张'),
    ('強', '强'),
    ('於', '于'),
    ('昇', '升'),
    ('東', '东'),
    ('楊', '杨'),
    ('湯', '汤'),
    ('濤', '涛'),
    ('瑩', '莹'),
    ('甦', '苏'),
    ('盧', '卢'),
    ('祐', '佑'),
    ('穎', '颖'),
    ('紅', '红'),
    ('羅', '罗'),
    ('艷', '艳'),
    ('華', '华'),
    ('萬', '万'),
    ('葉', '叶'),
    ('蔣', '蒋'),
    ('蕭', '萧'),
    ('蘇', '苏'),
    ('蘭', '兰'),
    ('許', '许'),
    ('誠', '诚'),
    ('謝', '谢'),
    ('譚', '谭'),
    ('豔', '艳'),
    ('賀', '贺'),
    ('賈', '贾'),
    ('趙', '赵'),
    ('軍', '军'),
    ('輝', '辉'),
    ('鄒', '邹'),
    ('鄧', '邓'),
    ('鄭', '郑'),
    ('錢', '钱'),
    ('鍾', '钟'),
    ('閻', '阎'),
    ('陳', '陈'),
    ('陸', '陆'),
    ('雲', '云'),
    ('靜', '静'),
    ('韋', '韦'),
    ('韓', '韩'),
    ('顧', '顾'),
    ('飛', '飞'),
    ('馬', '马'),
    ('馮', '冯'),
    ('鳳', '凤'),
    ('鵬', '鹏'),
    ('麗', '丽'),
    ('黃', '黄'),
    ('龍', '龙'),
    ('龔', '龚'),
];

/// The ledger's form of a character.
pub fn fold_variant(c: char) -> char {
    VARIANTS
        .binary_search_by_key(&c, |(v, _)| *v)
        .map(|i| VARIANTS[i].1)
        .unwrap_or(c)
}

/// A name with traditional characters made simplified (the OpenCC-derived table of
/// `fast2s`) and the variant forms names use folded, for indexing and comparing.
pub fn fold_name(name: &str) -> String {
    fast2s::convert(name).chars().map(fold_variant).collect()
}

fn sound(c: char) -> Option<&'static str> {
    c.to_pinyin().map(|p| p.plain())
}

/// How alike two names are, 0–100: the same (100), the same after folding variant
/// characters (95), the same sound character by character (85, less for each character
/// that differs in sound too); a different surname caps the score.
pub fn name_similarity(a: &str, b: &str) -> u8 {
    if a == b {
        return 100;
    }
    let fa: Vec<char> = fold_name(a).chars().collect();
    let fb: Vec<char> = fold_name(b).chars().collect();
    if fa == fb {
        return 95;
    }
    if fa.is_empty() || fb.is_empty() {
        return 0;
    }
    if fa.len() != fb.len() {
        // A dropped or added character ("王小明"/"王明").
        let (short, long) = if fa.len() < fb.len() {
            (&fa, &fb)
        } else {
            (&fb, &fa)
        };
        let mut rest = long.iter();
        let all_in_order = short.iter().all(|c| rest.any(|l| l == c));
        return if long.len() - short.len() == 1 && all_in_order && short[0] == long[0] {
            60
        } else {
            0
        };
    }
    let mut score = 0.0;
    for (x, y) in fa.iter().zip(fb.iter()) {
        score += if x == y {
            1.0
        } else if sound(*x).is_some() && sound(*x) == sound(*y) {
            0.85
        } else {
            0.0
        };
    }
    let mut percent = (score / fa.len() as f64 * 100.0).round() as u8;
    if fa[0] != fb[0] && sound(fa[0]) != sound(fb[0]) {
        percent = percent.min(40);
    }
    percent.min(90)
}

/// How alike two birth dates are, 0–100: equal (100), day and month swapped (70), one part
/// off (50).
pub fn birth_similarity(a: NaiveDate, b: NaiveDate) -> u8 {
    if a == b {
        return 100;
    }
    if a.year() == b.year() && a.month() == b.day() && a.day() == b.month() {
        return 70;
    }
    let same = [
        a.year() == b.year(),
        a.month() == b.month(),
        a.day() == b.day(),
    ];
    if same.iter().filter(|s| **s).count() == 2 {
        50
    } else {
        0
    }
}

/// Confidence, 0–100, that a roster row and a ledger child are the same person.
pub fn confidence(
    name: (&str, &str),
    birth: (NaiveDate, NaiveDate),
    sex: (Option<Sex>, Sex),
) -> u8 {
    let n = f64::from(name_similarity(name.0, name.1));
    let b = f64::from(birth_similarity(birth.0, birth.1));
    let s = match sex.0 {
        Some(s) if s != sex.1 => 0.0,
        _ => 100.0,
    };
    (n * 0.6 + b * 0.3 + s * 0.1).round() as u8
}
