//! Word lists for invented names. Surnames lean to those common in western Hunan.

use rand::{seq::IndexedRandom, Rng};
use rand_chacha::ChaCha8Rng;

use crate::model::Sex;

pub const SURNAMES: &[&str] = &[
    "向", "田", "彭", "杨", "石", "滕", "龙", "麻", "吴", "张", "李", "符", "梁", "覃", "刘", "王",
    "陈", "黄", "周", "唐", "谭", "邓", "胡", "姚", "舒", "宋", "瞿", "邹", "侯", "米",
];

const BOY: &[&str] = &[
    "浩", "宇", "轩", "俊", "杰", "博", "文", "涛", "鑫", "磊", "子", "晨", "睿", "泽", "宏", "志",
    "强", "明", "阳", "凯", "航", "家", "天", "一", "思", "皓", "辰", "铭", "健", "豪",
];
const GIRL: &[&str] = &[
    "欣", "怡", "雨", "梓", "涵", "诗", "佳", "琪", "婷", "悦", "萱", "可", "馨", "雅", "思", "语",
    "嘉", "妍", "晴", "彤", "静", "丽", "梦", "瑶", "菲", "慧", "雪", "芳", "露", "茜",
];
const ADULT: &[&str] = &[
    "建国", "志华", "海军", "德明", "春花", "秀英", "桂兰", "小平", "红梅", "国强", "永红", "金凤",
    "忠诚", "玉兰", "光辉", "清秀", "云龙", "爱华", "长青", "冬梅",
];

pub const VILLAGES: &[&str] = &[
    "岩门",
    "马王溪",
    "高山坪",
    "梓木",
    "洞头",
    "大坪",
    "杉木",
    "龙头",
    "黄家",
    "新田",
    "石榴",
    "白沙",
    "麻溪",
    "枫香",
    "桃花",
    "红岩",
    "水井",
    "茶园",
    "牛角",
    "长坪",
];

/// Where migrant children's ID numbers were issued: nearby counties in Hunan and Guizhou.
pub const MIGRANT_AREAS: &[&str] = &["433101", "433123", "431228", "522622", "522601", "500241"];

/// One- or two-character given name.
pub fn given(rng: &mut ChaCha8Rng, sex: Sex) -> String {
    let pool = if sex == Sex::Male { BOY } else { GIRL };
    let first = pool.choose(rng).copied().unwrap_or("一");
    if rng.random_bool(0.75) {
        let second = pool.choose(rng).copied().unwrap_or("一");
        format!("{first}{second}")
    } else {
        first.to_string()
    }
}

pub fn adult_given(rng: &mut ChaCha8Rng) -> &'static str {
    ADULT.choose(rng).copied().unwrap_or("建国")
}

/// 2 → "二", for school names.
pub fn ordinal(n: usize) -> &'static str {
    [
        "零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三",
        "十四", "十五", "十六", "十七", "十八", "十九", "二十",
    ]
    .get(n)
    .copied()
    .unwrap_or("二十")
}
