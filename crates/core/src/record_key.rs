//! The names casework and exchange records are kept under (one store, one key each), written
//! and read in one place so a record is never filed under a key nobody reads back.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDateTime;
use uuid::Uuid;

use crate::casework::{DropoutCase, HomeTeachingPlan, Suspect, Transfer};
use crate::crosscheck::CrossCheckDecision;
use crate::exchange::filing::ExchangeRecord;

/// The key of one stored casework or exchange record.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RecordKey {
    Suspect(Uuid),
    Case(Uuid),
    Transfer(Uuid),
    /// A home-teaching plan, one per child.
    Plan(Uuid),
    /// A cross-check decision, by its finding's key.
    CrossCheck(String),
    ReportIn {
        school: Uuid,
        period: String,
        version: u32,
    },
    Review {
        school: Uuid,
        period: String,
    },
    ReportOut {
        period: String,
        version: u32,
    },
    ReviewIn {
        period: String,
        reviewed_at: NaiveDateTime,
    },
    RollUpIn {
        unit: String,
        period: String,
        version: u32,
    },
    PseudonymKey,
    OfficeKey,
    UpperKey,
}

const STAMP: &str = "%Y%m%dT%H%M%S";

impl fmt::Display for RecordKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordKey::Suspect(id) => write!(f, "suspect/{id}"),
            RecordKey::Case(id) => write!(f, "case/{id}"),
            RecordKey::Transfer(id) => write!(f, "transfer/{id}"),
            RecordKey::Plan(child) => write!(f, "plan/{child}"),
            RecordKey::CrossCheck(key) => write!(f, "crosscheck/{key}"),
            RecordKey::ReportIn {
                school,
                period,
                version,
            } => write!(f, "report-in/{school}/{period}/{version:04}"),
            RecordKey::Review { school, period } => write!(f, "review/{school}/{period}"),
            RecordKey::ReportOut { period, version } => {
                write!(f, "report-out/{period}/{version:04}")
            }
            RecordKey::ReviewIn {
                period,
                reviewed_at,
            } => write!(f, "review-in/{period}/{}", reviewed_at.format(STAMP)),
            RecordKey::RollUpIn {
                unit,
                period,
                version,
            } => write!(f, "rollup-in/{unit}/{period}/{version:04}"),
            RecordKey::PseudonymKey => f.write_str("pseudonym-key"),
            RecordKey::OfficeKey => f.write_str("office-key"),
            RecordKey::UpperKey => f.write_str("upper-key"),
        }
    }
}

/// A stored key this version of BaoXue does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("无法识别的记录键“{0}”")]
pub struct UnknownKey(pub String);

impl crate::model::Localized for UnknownKey {
    fn en(&self) -> String {
        format!("Unrecognised record key \"{}\"", self.0)
    }
}

impl FromStr for RecordKey {
    type Err = UnknownKey;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let unknown = || UnknownKey(s.to_string());
        let id = |t: &str| Uuid::parse_str(t).map_err(|_| unknown());
        let version = |t: &str| t.parse::<u32>().map_err(|_| unknown());
        match s {
            "pseudonym-key" => return Ok(RecordKey::PseudonymKey),
            "office-key" => return Ok(RecordKey::OfficeKey),
            "upper-key" => return Ok(RecordKey::UpperKey),
            _ => {}
        }
        let (kind, rest) = s.split_once('/').ok_or_else(unknown)?;
        // A cross-check key has slashes of its own.
        if kind == "crosscheck" && !rest.is_empty() {
            return Ok(RecordKey::CrossCheck(rest.to_string()));
        }
        // Periods and unit codes come from files: read the fixed parts from the ends, so a
        // record we wrote is always read back, whatever its text holds.
        let text = |t: &str| {
            if t.is_empty() {
                Err(unknown())
            } else {
                Ok(t.to_string())
            }
        };
        Ok(match kind {
            "suspect" => RecordKey::Suspect(id(rest)?),
            "case" => RecordKey::Case(id(rest)?),
            "transfer" => RecordKey::Transfer(id(rest)?),
            "plan" => RecordKey::Plan(id(rest)?),
            "report-in" => {
                let (school, rest) = rest.split_once('/').ok_or_else(unknown)?;
                let (period, v) = rest.rsplit_once('/').ok_or_else(unknown)?;
                RecordKey::ReportIn {
                    school: id(school)?,
                    period: text(period)?,
                    version: version(v)?,
                }
            }
            "review" => {
                let (school, period) = rest.split_once('/').ok_or_else(unknown)?;
                RecordKey::Review {
                    school: id(school)?,
                    period: text(period)?,
                }
            }
            "report-out" => {
                let (period, v) = rest.rsplit_once('/').ok_or_else(unknown)?;
                RecordKey::ReportOut {
                    period: text(period)?,
                    version: version(v)?,
                }
            }
            "review-in" => {
                let (period, at) = rest.rsplit_once('/').ok_or_else(unknown)?;
                RecordKey::ReviewIn {
                    period: text(period)?,
                    reviewed_at: NaiveDateTime::parse_from_str(at, STAMP).map_err(|_| unknown())?,
                }
            }
            "rollup-in" => {
                let (rest, v) = rest.rsplit_once('/').ok_or_else(unknown)?;
                let (unit, period) = rest.rsplit_once('/').ok_or_else(unknown)?;
                RecordKey::RollUpIn {
                    unit: text(unit)?,
                    period: text(period)?,
                    version: version(v)?,
                }
            }
            _ => return Err(unknown()),
        })
    }
}

impl RecordKey {
    pub fn of_suspect(s: &Suspect) -> Self {
        RecordKey::Suspect(s.id)
    }
    pub fn of_case(c: &DropoutCase) -> Self {
        RecordKey::Case(c.id)
    }
    pub fn of_transfer(t: &Transfer) -> Self {
        RecordKey::Transfer(t.id)
    }
    pub fn of_plan(p: &HomeTeachingPlan) -> Self {
        RecordKey::Plan(p.child_id)
    }
    pub fn of_decision(d: &CrossCheckDecision) -> Self {
        RecordKey::CrossCheck(d.key.clone())
    }

    /// Where an exchange record is kept. A report received is filed under the county's own
    /// record of the school.
    pub fn of_exchange(r: &ExchangeRecord) -> Self {
        match r {
            ExchangeRecord::ReportIn(r) => RecordKey::ReportIn {
                school: r.report.school.id,
                period: r.report.period.clone(),
                version: r.report.version,
            },
            ExchangeRecord::Review(r) => RecordKey::Review {
                school: r.school.id,
                period: r.period.clone(),
            },
            ExchangeRecord::ReportOut(s) => RecordKey::ReportOut {
                period: s.period.clone(),
                version: s.version,
            },
            ExchangeRecord::ReviewIn(r) => RecordKey::ReviewIn {
                period: r.period.clone(),
                reviewed_at: r.reviewed_at,
            },
            ExchangeRecord::RollUpIn(r) => RecordKey::RollUpIn {
                unit: r.rollup.unit.code.clone(),
                period: r.rollup.period.clone(),
                version: r.rollup.version,
            },
            ExchangeRecord::PseudonymKey(_) => RecordKey::PseudonymKey,
            ExchangeRecord::OfficeKey(_) => RecordKey::OfficeKey,
            ExchangeRecord::UpperKey(_) => RecordKey::UpperKey,
        }
    }

    /// The exchange records of an inbox and outbox, each with its key.
    pub fn exchange_records(
        inbox: &crate::exchange::holdings::Inbox,
        outbox: &crate::exchange::holdings::Outbox,
    ) -> Vec<ExchangeRecord> {
        let mut out: Vec<ExchangeRecord> = Vec::new();
        out.extend(inbox.reports.iter().cloned().map(ExchangeRecord::ReportIn));
        out.extend(inbox.reviews.iter().cloned().map(ExchangeRecord::Review));
        out.extend(outbox.sent.iter().cloned().map(ExchangeRecord::ReportOut));
        out.extend(outbox.reviews.iter().cloned().map(ExchangeRecord::ReviewIn));
        out.extend(
            inbox
                .pseudonym_key
                .iter()
                .cloned()
                .map(ExchangeRecord::PseudonymKey),
        );
        out.extend(inbox.rollups.iter().cloned().map(ExchangeRecord::RollUpIn));
        out.extend(
            inbox
                .office_key
                .iter()
                .cloned()
                .map(ExchangeRecord::OfficeKey),
        );
        out.extend(
            outbox
                .upper_key
                .iter()
                .cloned()
                .map(ExchangeRecord::UpperKey),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_reads_back_as_itself() {
        let id = Uuid::from_u128(0x1234);
        let at = NaiveDateTime::parse_from_str("20261101T083000", STAMP).unwrap();
        let keys = [
            RecordKey::Suspect(id),
            RecordKey::Case(id),
            RecordKey::Transfer(id),
            RecordKey::Plan(id),
            RecordKey::CrossCheck("police/unmatched/110105201401010011".into()),
            RecordKey::ReportIn {
                school: id,
                period: "2026-11".into(),
                version: 3,
            },
            RecordKey::Review {
                school: id,
                period: "2026-11".into(),
            },
            RecordKey::ReportOut {
                period: "2026-11".into(),
                version: 12,
            },
            RecordKey::ReviewIn {
                period: "2026-11".into(),
                reviewed_at: at,
            },
            RecordKey::RollUpIn {
                unit: "433122".into(),
                period: "2026-11".into(),
                version: 1,
            },
            RecordKey::PseudonymKey,
            RecordKey::OfficeKey,
            RecordKey::UpperKey,
        ];
        for k in keys {
            assert_eq!(k.to_string().parse::<RecordKey>(), Ok(k.clone()), "{k}");
        }
    }

    #[test]
    fn keys_are_written_as_stored_before() {
        // Installations already hold records under these names.
        let id = Uuid::from_u128(1);
        assert_eq!(
            RecordKey::ReportIn {
                school: id,
                period: "2026-09".into(),
                version: 2
            }
            .to_string(),
            format!("report-in/{id}/2026-09/0002")
        );
        assert_eq!(RecordKey::PseudonymKey.to_string(), "pseudonym-key");
        assert_eq!(RecordKey::Plan(id).to_string(), format!("plan/{id}"));
    }

    #[test]
    fn unknown_or_damaged_keys_are_refused_with_the_key() {
        for bad in [
            "",
            "suspect",
            "suspect/not-a-uuid",
            "report-in/x/2026-09/0001",
            "report-out/2026-09/v1",
            "review-in/2026-09/yesterday",
            "rollup-in//2026-09/0001",
            "crosscheck/",
            "letter/123",
        ] {
            assert_eq!(
                bad.parse::<RecordKey>(),
                Err(UnknownKey(bad.to_string())),
                "{bad}"
            );
        }
        // A unit code or period with a slash in it (from a file) still reads back as its kind.
        let odd = RecordKey::RollUpIn {
            unit: "4331/x".into(),
            period: "2026-11".into(),
            version: 1,
        };
        assert_eq!(odd.to_string().parse::<RecordKey>(), Ok(odd));
        let odd = RecordKey::ReportOut {
            period: "2026/11".into(),
            version: 2,
        };
        assert_eq!(odd.to_string().parse::<RecordKey>(), Ok(odd));
        assert!(UnknownKey("letter/1".into())
            .to_string()
            .contains("letter/1"));
    }
}
