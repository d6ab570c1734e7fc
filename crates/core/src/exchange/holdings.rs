//! What each level holds of the reporting chain: the county's inbox (every version of every
//! school's report, its reviews, the roll-ups received from below) and the school's outbox
//! (what it sent, the reviews it got back), with which schools have reported for a period.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::report::*;
use super::rollup::{PseudonymKey, RollUp, ROLLUP_KIND};
use super::{clip, Envelope, Refusal, UnitRef};

/// The reports a county holds, every version, and its reviews.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Inbox {
    pub reports: Vec<ReceivedReport>,
    pub reviews: Vec<Review>,
    /// The county's secret for the pseudonyms of its roll-ups, made on first use.
    #[serde(default)]
    pub pseudonym_key: Option<PseudonymKey>,
    /// Roll-ups received from the level below (prefecture and province), every version.
    #[serde(default)]
    pub rollups: Vec<ReceivedRollUp>,
    /// 本单位密钥: opens what is sealed to this office. Made on first use; kept in backups.
    #[serde(default)]
    pub office_key: Option<super::OfficeKey>,
}

/// A roll-up as the prefecture or province holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReceivedRollUp {
    pub envelope: Envelope,
    pub rollup: RollUp,
    pub received_at: NaiveDateTime,
    pub received_by: String,
}

/// Where a file stands against the versions held of the same sender and period.
fn outcome_of(same_file: bool, held: Option<(u32, &str)>, version: u32) -> ReportOutcome {
    match held {
        _ if same_file => ReportOutcome::AlreadyImported,
        None => ReportOutcome::New,
        Some((h, _)) if version > h => ReportOutcome::Correction { held: h },
        Some((h, _)) if version < h => ReportOutcome::Older { held: h },
        Some((_, hash)) => ReportOutcome::Conflict {
            held_sha256: hash.to_string(),
        },
    }
}

/// The level directly below: who sends roll-ups to a prefecture or province.
fn level_below(level: &str) -> Option<&'static str> {
    match level {
        "prefecture" => Some("county"),
        "province" => Some("prefecture"),
        _ => None,
    }
}

impl Inbox {
    /// The highest version held of a school's report for a period.
    pub fn current(&self, school: Uuid, period: &str) -> Option<&ReceivedReport> {
        current_report(&self.reports, school, period)
    }

    /// Withdraws one received version (撤回): a file imported by mistake, or one that should
    /// never have been taken. The version before it, if any, is the current one again; the
    /// school may send the next one as usual.
    pub fn withdraw(&mut self, school: Uuid, period: &str, version: u32) -> Option<ReceivedReport> {
        let at = self.reports.iter().position(|r| {
            r.report.school.id == school && r.report.period == period && r.report.version == version
        })?;
        Some(self.reports.remove(at))
    }

    /// Every version held of a school's report for a period, oldest first.
    pub fn versions(&self, school: Uuid, period: &str) -> Vec<&ReceivedReport> {
        let mut v: Vec<_> = self
            .reports
            .iter()
            .filter(|r| r.report.school.id == school && r.report.period == period)
            .collect();
        v.sort_by_key(|r| r.report.version);
        v
    }

    pub fn review(&self, school: Uuid, period: &str) -> Option<&Review> {
        self.reviews
            .iter()
            .find(|r| r.school.id == school && r.period == period)
    }

    /// The dry run of importing a report addressed to `me` (the county).
    /// `ours` is the county's own record of the school, found with [`ReportSchool::is`]: the
    /// report is filed under it, so a school set up by hand with its 学校标识码 is the same
    /// school as the one on the county's list.
    pub fn plan(
        &self,
        envelope: &Envelope,
        report: &MonthlyReport,
        me: &UnitRef,
        ours: Option<&crate::model::School>,
    ) -> Result<ImportPlan, Refusal> {
        if envelope.kind != MONTHLY_KIND {
            return Err(Refusal::NotAReport(envelope.kind.clone()));
        }
        if envelope.from_unit.level != "school" {
            return Err(Refusal::ReportNotFromSchool {
                name: envelope.from_unit.name.clone(),
                level: envelope.from_unit.level.clone(),
            });
        }
        match &envelope.to_unit {
            Some(to) if to.code == me.code => {}
            Some(to) => {
                return Err(Refusal::ReportForOther {
                    name: to.name.clone(),
                    code: to.code.clone(),
                    me: me.name.clone(),
                })
            }
            None => return Err(Refusal::ReportUnaddressed),
        }
        if envelope.period.as_deref() != Some(report.period.as_str()) {
            return Err(Refusal::ReportPeriodMismatch);
        }
        if envelope.from_unit.code != report.school.unit().code {
            return Err(Refusal::SenderMismatch {
                sender: envelope.from_unit.name.clone(),
                school: report.school.name.clone(),
            });
        }
        let rejected = report.problems()?;
        let mut warnings = Vec::new();
        let mut school = report.school.clone();
        match ours {
            Some(s) => {
                if (school.code.is_none() || s.code.is_none()) && school.id != s.id {
                    warnings.push(PlanWarning::MatchedByName {
                        school: s.name.clone(),
                    });
                }
                school.id = s.id;
            }
            None => {
                return Err(Refusal::UnknownSchool {
                    name: clip(&school.name, 30),
                    code: school.code.as_ref().map(|c| clip(c, 30)),
                })
            }
        }
        let report = &MonthlyReport {
            school: school.clone(),
            ..report.clone()
        };
        if let Some(f) = &report.figures {
            for stage in [crate::model::Stage::Primary, crate::model::Stage::Junior] {
                let flow = f.flow(stage);
                if !flow.balances() {
                    warnings.push(PlanWarning::Unbalanced {
                        stage,
                        expected: flow.expected_end(),
                        end: flow.end,
                        difference: flow.difference(),
                    });
                }
            }
        }
        if let Some(prev) = &envelope.previous_sha256 {
            let known = self.reports.iter().any(|r| {
                r.report.school.id == report.school.id && &r.envelope.content_sha256 == prev
            });
            if !known {
                warnings.push(PlanWarning::ChainGap);
            }
        }
        if let PeriodLock::Accepted(r) = self.lock(report.school.id, &report.period) {
            if report.version > r.version {
                return Err(Refusal::PeriodAccepted {
                    period: report.period.clone(),
                    version: r.version,
                });
            }
        }
        let held = self.current(report.school.id, &report.period);
        let base = held.map_or(1, |h| h.report.version);
        if report.version > base.saturating_add(MAX_VERSION_STEP) {
            return Err(match held {
                Some(h) => Refusal::VersionJump {
                    version: report.version,
                    held: h.report.version,
                    step: MAX_VERSION_STEP,
                },
                None => Refusal::FirstVersionTooHigh {
                    version: report.version,
                    most: 1 + MAX_VERSION_STEP,
                },
            });
        }
        let same_file = self
            .versions(report.school.id, &report.period)
            .into_iter()
            .any(|r| r.envelope.content_sha256 == envelope.content_sha256);
        let outcome = outcome_of(
            same_file,
            held.map(|h| (h.report.version, h.envelope.content_sha256.as_str())),
            report.version,
        );
        let mut changes = Vec::new();
        let mut conflicts = Vec::new();
        if matches!(
            outcome,
            ReportOutcome::New | ReportOutcome::Correction { .. }
        ) {
            let before: Vec<(EntryList, &ReportEntry)> = held
                .map(|h| h.report.entries().collect())
                .unwrap_or_default();
            let review = self.review(report.school.id, &report.period);
            for (list, e) in report.entries() {
                match before.iter().find(|(l, b)| *l == list && b.id == e.id) {
                    None => changes.push(EntryChange::Added(list, e.clone())),
                    Some((_, b)) if *b != e => {
                        changes.push(EntryChange::Updated(list, (*b).clone(), e.clone()));
                        if let Some(v) = review.and_then(|r| r.verdict_of(list, e.id)) {
                            conflicts.push(ReviewConflict {
                                list,
                                entry: e.clone(),
                                verdict: v.clone(),
                            });
                        }
                    }
                    Some(_) => {}
                }
            }
            for (list, b) in &before {
                if !report.entries().any(|(l, e)| l == *list && e.id == b.id) {
                    changes.push(EntryChange::Removed(*list, (*b).clone()));
                }
            }
        }
        Ok(ImportPlan {
            outcome,
            school: report.school.clone(),
            period: report.period.clone(),
            version: report.version,
            zero_report: report.zero_report,
            changes,
            rejected,
            conflicts,
            warnings,
        })
    }

    /// Applies a planned import. `keep_verdicts` says, per conflicting entry, whether the
    /// county's verdict stands (true) or the entry goes back to be reviewed (false).
    pub fn apply(
        &mut self,
        plan: &ImportPlan,
        envelope: Envelope,
        report: MonthlyReport,
        received_at: NaiveDateTime,
        received_by: &str,
        keep_verdicts: &BTreeMap<Uuid, bool>,
    ) -> bool {
        if !plan.changes_anything() {
            return false;
        }
        // Filed under the county's own record of the school.
        let mut report = report;
        report.school.id = plan.school.id;
        if let Some(review) = self
            .reviews
            .iter_mut()
            .find(|r| r.school.id == report.school.id && r.period == report.period)
        {
            review.entries.retain(|e| {
                !plan
                    .conflicts
                    .iter()
                    .any(|c| c.list == e.list && c.entry.id == e.entry_id)
                    || keep_verdicts.get(&e.entry_id).copied().unwrap_or(false)
            });
        }
        self.reports.push(ReceivedReport {
            envelope,
            report,
            received_at,
            received_by: received_by.to_string(),
            problems: plan
                .rejected
                .iter()
                .map(|r| format!("{}：{}", r.place, r.reason))
                .collect(),
        });
        true
    }

    /// The highest version held of a unit's roll-up for a period.
    pub fn current_rollup(&self, unit_code: &str, period: &str) -> Option<&ReceivedRollUp> {
        self.rollups
            .iter()
            .filter(|r| r.rollup.unit.code == unit_code && r.rollup.period == period)
            .max_by_key(|r| r.rollup.version)
    }

    /// The dry run of importing a roll-up addressed to `me` (a prefecture or province) from
    /// the level below.
    pub fn plan_rollup(
        &self,
        envelope: &Envelope,
        rollup: &RollUp,
        me: &UnitRef,
    ) -> Result<ReportOutcome, Refusal> {
        if envelope.kind != ROLLUP_KIND {
            return Err(Refusal::NotARollUp(envelope.kind.clone()));
        }
        let below = level_below(&me.level).ok_or(Refusal::NoRollUpsHere)?;
        if envelope.from_unit.level != below || rollup.unit.code != envelope.from_unit.code {
            return Err(Refusal::RollUpNotFromBelow {
                below: below.to_string(),
                name: envelope.from_unit.name.clone(),
                level: envelope.from_unit.level.clone(),
            });
        }
        match &envelope.to_unit {
            Some(to) if to.code == me.code => {}
            _ => {
                return Err(Refusal::RollUpForOther {
                    to: envelope
                        .to_unit
                        .as_ref()
                        .map_or("—".to_string(), |u| u.code.clone()),
                    me: me.name.clone(),
                })
            }
        }
        if !rollup.unit.code.starts_with(&me.code) {
            return Err(Refusal::OutsideArea(rollup.unit.name.clone()));
        }
        if envelope.period.as_deref() != Some(rollup.period.as_str()) {
            return Err(Refusal::RollUpPeriodMismatch);
        }
        let same_file = self.rollups.iter().any(|r| {
            r.rollup.unit.code == rollup.unit.code
                && r.envelope.content_sha256 == envelope.content_sha256
        });
        let held = self.current_rollup(&rollup.unit.code, &rollup.period);
        Ok(outcome_of(
            same_file,
            held.map(|h| (h.rollup.version, h.envelope.content_sha256.as_str())),
            rollup.version,
        ))
    }

    /// Saves the county's review of a school's report (replacing an earlier draft).
    /// Where a school's period stands: sent, accepted (locked) or reopened.
    pub fn lock(&self, school: Uuid, period: &str) -> PeriodLock {
        PeriodLock::of(
            self.review(school, period),
            self.current(school, period).map(|r| r.report.version),
        )
    }

    /// The content hash of the last report received from a school, whatever its period:
    /// the head of its chain as the county holds it.
    pub fn chain_head(&self, school: Uuid) -> Option<&str> {
        self.reports
            .iter()
            .filter(|r| r.report.school.id == school)
            .max_by_key(|r| (r.envelope.created_at, r.received_at))
            .map(|r| r.envelope.content_sha256.as_str())
    }

    pub fn set_review(&mut self, review: Review) {
        self.reviews
            .retain(|r| !(r.school.id == review.school.id && r.period == review.period));
        self.reviews.push(review);
    }

    /// Which schools have reported for a period, zero reports included, and who is late;
    /// by township in the official order (GB/T 2260 code), then by 学校标识码 and name, so a
    /// clerk phones one township's schools together. Schools of no township come last.
    pub fn completeness(
        &self,
        schools: &[crate::model::School],
        period: &str,
        deadline: NaiveDate,
        today: NaiveDate,
    ) -> Vec<Completeness> {
        let mut ordered: Vec<&crate::model::School> = schools.iter().collect();
        ordered.sort_by_key(|s| {
            let town = s.township_code.as_str();
            (town.is_empty(), town, s.code.as_deref(), s.name.as_str())
        });
        ordered
            .into_iter()
            .map(|s| {
                let state = match self.current(s.id, period) {
                    Some(r) => ReportState::Reported {
                        version: r.report.version,
                        zero: r.report.zero_report,
                        late: self
                            .versions(s.id, period)
                            .first()
                            .is_some_and(|first| first.received_at.date() > deadline),
                        reviewed: self.review(s.id, period).is_some(),
                    },
                    None => ReportState::Missing {
                        late: today > deadline,
                    },
                };
                Completeness {
                    school_id: s.id,
                    school: s.name.clone(),
                    township_code: s.township_code.clone(),
                    state,
                }
            })
            .collect()
    }
}

/// Where one school stands for a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportState {
    Reported {
        version: u32,
        zero: bool,
        /// The first version arrived after the deadline.
        late: bool,
        reviewed: bool,
    },
    Missing {
        /// The deadline has passed.
        late: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completeness {
    pub school_id: Uuid,
    pub school: String,
    pub township_code: String,
    pub state: ReportState,
}

/// A report the school has sent: its hash chains the next one, and it is locked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SentReport {
    pub period: String,
    pub version: u32,
    pub content_sha256: String,
    pub sent_at: NaiveDateTime,
    pub sent_by: String,
    /// The report as sent, to print and to compare with the review.
    pub report: MonthlyReport,
}

/// What a school has sent and the reviews it got back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Outbox {
    pub sent: Vec<SentReport>,
    pub reviews: Vec<Review>,
    /// 上级单位公钥: what this office's reports are sealed to.
    #[serde(default)]
    pub upper_key: Option<UpperKey>,
}

/// The public key of the office this one reports to, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UpperKey {
    /// age1…
    pub public: String,
    /// Whose key it is, e.g. 惠来县.
    pub unit: String,
    /// How it arrived (学校安装文件, 手工录入).
    pub source: String,
}

impl Outbox {
    /// The latest version sent for a period.
    pub fn latest(&self, period: &str) -> Option<&SentReport> {
        self.sent
            .iter()
            .filter(|s| s.period == period)
            .max_by_key(|s| s.version)
    }

    /// The version number the next report for a period gets (a correction when one was sent).
    pub fn next_version(&self, period: &str) -> u32 {
        self.latest(period).map_or(1, |s| s.version + 1)
    }

    /// The hash of the last report sent, whatever its period: the next one chains to it.
    pub fn chain_head(&self) -> Option<&str> {
        self.sent
            .iter()
            .max_by_key(|s| s.sent_at)
            .map(|s| s.content_sha256.as_str())
    }

    pub fn review(&self, period: &str) -> Option<&Review> {
        self.reviews
            .iter()
            .filter(|r| r.period == period)
            .max_by_key(|r| r.reviewed_at)
    }

    /// Where a period stands, as the county's latest review of it says.
    pub fn lock(&self, period: &str) -> PeriodLock {
        PeriodLock::of(self.review(period), self.latest(period).map(|s| s.version))
    }

    /// Reports sent after the last file the county held when it gave this receipt: files it
    /// never got, unless they are still on their way. `None` when the receipt names a file
    /// this school never sent.
    pub fn unreceived(&self, receipt: &Receipt) -> Option<Vec<&SentReport>> {
        let head = self
            .sent
            .iter()
            .find(|s| s.content_sha256 == receipt.chain_head)?;
        let mut after: Vec<&SentReport> = self
            .sent
            .iter()
            .filter(|s| s.sent_at > head.sent_at && s.sent_at <= receipt.accepted_at)
            .collect();
        after.sort_by_key(|s| s.sent_at);
        Some(after)
    }

    /// Takes a review sent down for one of this school's reports. Returns false when the
    /// same review is already held.
    /// `school` is this installation's own school: a county may know it under another id,
    /// but never under another 学校标识码.
    pub fn receive_review(
        &mut self,
        school: &crate::model::School,
        review: Review,
    ) -> Result<bool, Refusal> {
        if !review.school.is(school) {
            return Err(Refusal::ReviewForOther(review.school.name.clone()));
        }
        let sent = self
            .sent
            .iter()
            .find(|s| s.period == review.period && s.version == review.report_version)
            .ok_or_else(|| Refusal::ReviewOfUnsent {
                period: review.period.clone(),
                version: review.report_version,
            })?;
        if sent.content_sha256 != review.report_sha256 {
            return Err(Refusal::ReviewHashMismatch);
        }
        if let Some(LockChange::Accepted(r)) = &review.lock {
            if r.report_sha256 != review.report_sha256 || self.unreceived(r).is_none() {
                return Err(Refusal::ReceiptChainUnknown);
            }
        }
        if self.reviews.contains(&review) {
            return Ok(false);
        }
        if self
            .review(&review.period)
            .is_some_and(|r| r.reviewed_at > review.reviewed_at)
        {
            return Err(Refusal::ReviewOlder);
        }
        self.reviews.push(review);
        Ok(true)
    }
}
