//! Matching people without a usable ID number: by name and birth date, with a confidence.
//! Names differ between departments by variant or traditional characters (劉/刘) and by
//! homophones typed in a hurry (张丽/张莉); both are scored, not ignored.

use chrono::{Datelike, NaiveDate};
use pinyin::ToPinyin;

use crate::model::Sex;

/// Traditional and variant forms seen in names, with the form the ledger uses.
const VARIANTS: &[(char, char)] = &[
    ('劉', '刘'),
    ('陳', '陈'),
    ('張', '张'),
    ('楊', '杨'),
    ('黃', '黄'),
    ('趙', '赵'),
    ('吳', '吴'),
    ('孫', '孙'),
    ('馬', '马'),
    ('羅', '罗'),
    ('鄭', '郑'),
    ('謝', '谢'),
    ('許', '许'),
    ('韓', '韩'),
    ('馮', '冯'),
    ('鄧', '邓'),
    ('蕭', '萧'),
    ('於', '于'),
    ('蔣', '蒋'),
    ('葉', '叶'),
    ('蘇', '苏'),
    ('呂', '吕'),
    ('盧', '卢'),
    ('鍾', '钟'),
    ('譚', '谭'),
    ('陸', '陆'),
    ('賈', '贾'),
    ('韋', '韦'),
    ('鄒', '邹'),
    ('閻', '阎'),
    ('龍', '龙'),
    ('賀', '贺'),
    ('顧', '顾'),
    ('龔', '龚'),
    ('萬', '万'),
    ('錢', '钱'),
    ('嚴', '严'),
    ('湯', '汤'),
    ('麗', '丽'),
    ('華', '华'),
    ('軍', '军'),
    ('偉', '伟'),
    ('紅', '红'),
    ('剛', '刚'),
    ('強', '强'),
    ('鵬', '鹏'),
    ('濤', '涛'),
    ('輝', '辉'),
    ('傑', '杰'),
    ('靜', '静'),
    ('艷', '艳'),
    ('豔', '艳'),
    ('鳳', '凤'),
    ('蘭', '兰'),
    ('雲', '云'),
    ('飛', '飞'),
    ('穎', '颖'),
    ('嬌', '娇'),
    ('東', '东'),
    ('國', '国'),
    ('誠', '诚'),
    ('瑩', '莹'),
    ('喆', '哲'),
    ('堃', '坤'),
    ('甦', '苏'),
    ('祐', '佑'),
    ('昇', '升'),
];

/// The ledger's form of a character.
pub fn fold_variant(c: char) -> char {
    VARIANTS
        .iter()
        .find(|(v, _)| *v == c)
        .map(|(_, s)| *s)
        .unwrap_or(c)
}

/// A name with variant characters folded, for indexing.
pub fn fold_name(name: &str) -> String {
    name.chars().map(fold_variant).collect()
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
    let fa: Vec<char> = a.chars().map(fold_variant).collect();
    let fb: Vec<char> = b.chars().map(fold_variant).collect();
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
