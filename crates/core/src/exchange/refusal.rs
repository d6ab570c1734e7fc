//! Why a file of the reporting chain, or a step of it, is refused: one typed reason each, said
//! in Chinese (`Display`) and English (`Localized`), with the values the clerk needs.

use crate::model::Localized;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("请填写填报人和审核人")]
    Unsigned,
    #[error("这是“{0}”数据包，不是学校月报")]
    NotAReport(String),
    #[error("月报应由学校报送，此文件来自“{name}”（{level}）")]
    ReportNotFromSchool { name: String, level: String },
    #[error("此月报是报给“{name}”（{code}）的，不是本单位（{me}）")]
    ReportForOther {
        name: String,
        code: String,
        me: String,
    },
    #[error("月报没有写明报送单位")]
    ReportUnaddressed,
    #[error("信封上的期间与月报内容不一致")]
    ReportPeriodMismatch,
    #[error("信封上的发送单位（{sender}）与月报中的学校（{school}）不一致")]
    SenderMismatch { sender: String, school: String },
    #[error("“{name}”{}不在本县学校名单中，未导入：请先在“学校”页添加该校或核实其学校标识码，再导入此月报", .code.as_ref().map(|c| format!("（学校标识码{c}）")).unwrap_or_default())]
    UnknownSchool { name: String, code: Option<String> },
    #[error("月报的期间“{0}”不是“年-月”（如 2026-11，年份在2000到2100之间）")]
    BadPeriod(String),
    #[error("月报的版本号应从1开始")]
    VersionZero,
    #[error("月报版本号{0}不合理：一个月的月报不会更正到第{1}版以上，未导入")]
    VersionTooHigh(u32, u32),
    #[error("月报版本号{version}不合理：已收到第{held}版，更正应为第{}版（最多跳过{step}版），未导入", .held.saturating_add(1))]
    VersionJump { version: u32, held: u32, step: u32 },
    #[error(
        "月报版本号{version}不合理：尚未收到该校该月的月报，应为第1版（最多到第{most}版），未导入"
    )]
    FirstVersionTooHigh { version: u32, most: u32 },
    #[error("月报中的数字不合理，未导入：{0}")]
    Implausible(String),
    #[error("{period}月报第{version}版已被县级接收，本期已锁定：如需更正，须由县级重新开放")]
    PeriodAccepted { period: String, version: u32 },
    #[error("只能接收收到的最新一版（第{held}版），不是第{version}版")]
    AcceptNotLatest { version: u32, held: u32 },
    #[error("本期尚未接收，无需重新开放")]
    ReopenNotAccepted,
    #[error("重新开放须写明原因")]
    ReopenWithoutReason,
    #[error("回执所述县级收到的最后一份报送不是本校报送的文件，此审核结果不能导入")]
    ReceiptChainUnknown,
    #[error("退回或请再核实的条目须写明意见：{}", .0.join("、"))]
    SilentVerdicts(Vec<String>),
    #[error("这是“{0}”数据包，不是汇总")]
    NotARollUp(String),
    #[error("只有市州和省接收汇总")]
    NoRollUpsHere,
    #[error("汇总应由下一级（{below}）报送，此文件来自“{name}”（{level}）")]
    RollUpNotFromBelow {
        below: String,
        name: String,
        level: String,
    },
    #[error("此汇总是报给“{to}”的，不是本单位（{me}）")]
    RollUpForOther { to: String, me: String },
    #[error("“{0}”不在本单位辖区内")]
    OutsideArea(String),
    #[error("信封上的期间与汇总内容不一致")]
    RollUpPeriodMismatch,
    #[error("“{name}”的汇总期间为{got}，不是{want}")]
    PartPeriod {
        name: String,
        got: String,
        want: String,
    },
    #[error("“{0}”的汇总重复")]
    DuplicatePart(String),
    #[error("此审核结果是给“{0}”的，不是本校")]
    ReviewForOther(String),
    #[error("本校没有报送过{period}月第{version}版月报，无法对应此审核结果")]
    ReviewOfUnsent { period: String, version: u32 },
    #[error("审核结果对应的月报与本校报送的不一致（校验值不同）")]
    ReviewHashMismatch,
    #[error("本校已有更新的审核结果，此文件较旧，已忽略")]
    ReviewOlder,
}

impl Localized for Refusal {
    fn en(&self) -> String {
        use Refusal::*;
        match self {
            Unsigned => "Fill in who filled in and who checked the report".into(),
            NotAReport(kind) => format!("This is a “{kind}” bundle, not a school's monthly report"),
            ReportNotFromSchool { name, level } => {
                format!("A monthly report comes from a school; this file is from “{name}” ({level})")
            }
            ReportForOther { name, code, me } => {
                format!("This report is addressed to “{name}” ({code}), not to this unit ({me})")
            }
            ReportUnaddressed => "The report does not say whom it is for".into(),
            ReportPeriodMismatch => "The envelope's period differs from the report's".into(),
            SenderMismatch { sender, school } => format!(
                "The envelope's sender ({sender}) differs from the report's school ({school})"
            ),
            UnknownSchool { name, code } => format!(
                "“{name}”{} is not on this county's list of schools, so nothing was imported: add the school on the Schools page or check its school code, then import the report",
                code.as_ref().map(|c| format!(" (school code {c})")).unwrap_or_default()
            ),
            BadPeriod(p) => format!(
                "The report's period “{p}” is not year-month (as 2026-11, a year from 2000 to 2100)"
            ),
            VersionZero => "Report versions start at 1".into(),
            VersionTooHigh(v, max) => format!(
                "Version {v} is not plausible: no month's report is corrected beyond version {max}; not imported"
            ),
            VersionJump { version, held, step } => format!(
                "Version {version} is not plausible: version {held} is held, so a correction is version {} (at most {step} versions on); not imported",
                held.saturating_add(1)
            ),
            FirstVersionTooHigh { version, most } => format!(
                "Version {version} is not plausible: no report of this school and month is held yet, so it should be version 1 (at most {most}); not imported"
            ),
            Implausible(why) => format!("The report's figures are not plausible; not imported: {why}"),
            PeriodAccepted { period, version } => format!(
                "Version {version} of the {period} report was accepted by the county and the period is locked: a correction needs the county to reopen it"
            ),
            AcceptNotLatest { version, held } => format!(
                "Only the latest version received (version {held}) can be accepted, not version {version}"
            ),
            ReopenNotAccepted => "The period is not accepted: there is nothing to reopen".into(),
            ReopenWithoutReason => "Reopening a period needs a reason".into(),
            ReceiptChainUnknown => "The receipt names a last file received that this school never sent: the review cannot be taken".into(),
            SilentVerdicts(names) => format!(
                "Entries sent back or to check again need a comment: {}",
                names.join(", ")
            ),
            NotARollUp(kind) => format!("This is a “{kind}” bundle, not a roll-up"),
            NoRollUpsHere => "Only a prefecture or a province receives roll-ups".into(),
            RollUpNotFromBelow { below, name, level } => format!(
                "A roll-up comes from the level below ({below}); this file is from “{name}” ({level})"
            ),
            RollUpForOther { to, me } => {
                format!("This roll-up is addressed to “{to}”, not to this unit ({me})")
            }
            OutsideArea(name) => format!("“{name}” is not within this unit's area"),
            RollUpPeriodMismatch => "The envelope's period differs from the roll-up's".into(),
            PartPeriod { name, got, want } => {
                format!("The roll-up of “{name}” is for {got}, not {want}")
            }
            DuplicatePart(name) => format!("The roll-up of “{name}” is there twice"),
            ReviewForOther(name) => format!("This review is for “{name}”, not this school"),
            ReviewOfUnsent { period, version } => format!(
                "This school never sent version {version} of the report for {period}: the review matches nothing"
            ),
            ReviewHashMismatch => {
                "The review is of a report other than the one this school sent (the hashes differ)"
                    .into()
            }
            ReviewOlder => "This school holds a newer review: this older file was ignored".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_is_said_in_english_too_with_its_values() {
        let s = |x: &str| x.to_string();
        let all = [
            Refusal::Unsigned,
            Refusal::NotAReport(s("backup")),
            Refusal::ReportNotFromSchool {
                name: s("X"),
                level: s("county"),
            },
            Refusal::ReportForOther {
                name: s("X"),
                code: s("433122"),
                me: s("Y"),
            },
            Refusal::ReportUnaddressed,
            Refusal::ReportPeriodMismatch,
            Refusal::SenderMismatch {
                sender: s("X"),
                school: s("Y"),
            },
            Refusal::UnknownSchool {
                name: s("X"),
                code: Some(s("2143000001")),
            },
            Refusal::UnknownSchool {
                name: s("X"),
                code: None,
            },
            Refusal::BadPeriod(s("2026-13")),
            Refusal::VersionZero,
            Refusal::VersionTooHigh(120, 99),
            Refusal::VersionJump {
                version: 9,
                held: 2,
                step: 5,
            },
            Refusal::FirstVersionTooHigh {
                version: 9,
                most: 6,
            },
            Refusal::Implausible(s("counts")),
            Refusal::SilentVerdicts(vec![s("A"), s("B")]),
            Refusal::PeriodAccepted {
                period: s("2026-11"),
                version: 2,
            },
            Refusal::AcceptNotLatest {
                version: 1,
                held: 2,
            },
            Refusal::ReopenNotAccepted,
            Refusal::ReopenWithoutReason,
            Refusal::ReceiptChainUnknown,
            Refusal::NotARollUp(s("backup")),
            Refusal::NoRollUpsHere,
            Refusal::RollUpNotFromBelow {
                below: s("county"),
                name: s("X"),
                level: s("school"),
            },
            Refusal::RollUpForOther {
                to: s("433100"),
                me: s("Y"),
            },
            Refusal::OutsideArea(s("X")),
            Refusal::RollUpPeriodMismatch,
            Refusal::PartPeriod {
                name: s("X"),
                got: s("2026-10"),
                want: s("2026-11"),
            },
            Refusal::DuplicatePart(s("X")),
            Refusal::ReviewForOther(s("X")),
            Refusal::ReviewOfUnsent {
                period: s("2026-11"),
                version: 2,
            },
            Refusal::ReviewHashMismatch,
            Refusal::ReviewOlder,
        ];
        for r in &all {
            let (zh, en) = (r.to_string(), r.en());
            assert!(
                !en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{zh}: {en}"
            );
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{zh}"
            );
        }
        let jump = Refusal::VersionJump {
            version: 9,
            held: 2,
            step: 5,
        };
        assert!(jump.to_string().contains("更正应为第3版") && jump.en().contains("version 3"));
        assert!(Refusal::SilentVerdicts(vec![s("A"), s("B")])
            .to_string()
            .ends_with("A、B"));
    }
}
