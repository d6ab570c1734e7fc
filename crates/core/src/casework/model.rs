//! The records of the daily work: absences, suspects (疑似辍学), dropout cases (一人一案),
//! transfers, home teaching (送教上门).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::{labelled_enum, Status};

labelled_enum! {
    /// Kind of absence.
    AbsenceKind {
        Unexcused = ("unexcused", "无故缺勤", "Unexcused"),
        Excused = ("excused", "请假", "Excused"),
        NotReported = ("not-reported", "开学未报到", "Did not report at semester start"),
    }
}

/// One child absent on one school day (缺勤记录).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Absence {
    pub child_id: Uuid,
    pub date: NaiveDate,
    pub kind: AbsenceKind,
    pub reason: String,
    pub recorded_by: String,
}

impl Absence {
    /// Storage key: date first, so recent absences are one key range.
    pub fn key(&self) -> String {
        format!("{}/{}", self.date, self.child_id)
    }

    /// Counts towards a run of unexcused absence.
    pub fn is_unexcused(&self) -> bool {
        matches!(self.kind, AbsenceKind::Unexcused | AbsenceKind::NotReported)
    }
}

/// Why a child was put on the suspects ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum SuspectTrigger {
    /// A run of unexcused absence reached the threshold.
    Absence {
        first_day: NaiveDate,
        last_day: NaiveDate,
        days: u32,
    },
    /// Flagged by hand.
    Manual { reason: String },
    /// 开学未报到.
    NotReported { date: NaiveDate },
    /// 转出未接收: transferred out, no receiving school confirmed.
    TransferUnconfirmed {
        transfer_id: Uuid,
        date: NaiveDate,
        to_school: String,
    },
    /// 小升初未衔接: finished grade 6, in no grade 7.
    PrimaryToJunior { school_year: i32 },
    /// 四查三比对: on another department's roster, in no school.
    CrossCheck { department: String, line: usize },
}

impl SuspectTrigger {
    pub fn zh(&self) -> String {
        match self {
            SuspectTrigger::Absence {
                first_day,
                last_day,
                days,
            } => {
                format!("连续{days}个教学日无故缺勤（{first_day} 至 {last_day}）")
            }
            SuspectTrigger::Manual { reason } => format!("人工标记：{reason}"),
            SuspectTrigger::NotReported { date } => format!("开学未报到（{date}）"),
            SuspectTrigger::TransferUnconfirmed {
                date, to_school, ..
            } => {
                format!("{date} 转出至“{to_school}”，接收学校未确认")
            }
            SuspectTrigger::PrimaryToJunior { school_year } => {
                format!(
                    "{}–{}学年小学毕业，本学年未进入初一",
                    school_year,
                    school_year + 1
                )
            }
            SuspectTrigger::CrossCheck { department, line } => {
                format!("比对{department}名册（第{line}行）：在义务教育年龄，不在任何学校")
            }
        }
    }

    /// What triggered the suspicion, in either language.
    pub fn say(&self, lang: crate::model::Lang) -> String {
        match lang {
            crate::model::Lang::Zh => self.zh(),
            crate::model::Lang::En => self.en(),
        }
    }

    pub fn en(&self) -> String {
        match self {
            SuspectTrigger::Absence {
                first_day,
                last_day,
                days,
            } => format!("Absent without leave {days} school days in a row ({first_day} to {last_day})"),
            SuspectTrigger::Manual { reason } => format!("Flagged by hand: {reason}"),
            SuspectTrigger::NotReported { date } => format!("Did not report at the start of term ({date})"),
            SuspectTrigger::TransferUnconfirmed {
                date, to_school, ..
            } => format!("Transferred out to “{to_school}” on {date}; the receiving school has not confirmed"),
            SuspectTrigger::PrimaryToJunior { school_year } => format!(
                "Finished primary school in {}–{}, in no grade 7 this year",
                school_year,
                school_year + 1
            ),
            SuspectTrigger::CrossCheck { department, line } => format!(
                "On the {department} roster (row {line}): of compulsory-school age, in no school"
            ),
        }
    }

    /// The kinds of trigger, in Chinese and English, in the order lists offer them.
    pub const KINDS: [(&'static str, &'static str); 6] = [
        ("连续缺勤", "Absences"),
        ("开学未报到", "Did not report"),
        ("转出未接收", "Transfer unconfirmed"),
        ("小升初未衔接", "Primary to junior"),
        ("部门比对", "Cross-check"),
        ("人工标记", "By hand"),
    ];

    fn kind(&self) -> (&'static str, &'static str) {
        Self::KINDS[match self {
            SuspectTrigger::Absence { .. } => 0,
            SuspectTrigger::NotReported { .. } => 1,
            SuspectTrigger::TransferUnconfirmed { .. } => 2,
            SuspectTrigger::PrimaryToJunior { .. } => 3,
            SuspectTrigger::CrossCheck { .. } => 4,
            SuspectTrigger::Manual { .. } => 5,
        }]
    }

    /// Short label of the kind, in either language.
    pub fn kind_label(&self, lang: crate::model::Lang) -> &'static str {
        match lang {
            crate::model::Lang::Zh => self.kind().0,
            crate::model::Lang::En => self.kind().1,
        }
    }

    /// Short label of the kind, for lists and filters.
    pub fn kind_zh(&self) -> &'static str {
        self.kind().0
    }
}

labelled_enum! {
    /// How a suspect was checked (核查方式).
    VerifyMethod {
        Records = ("records", "学籍核对", "School records"),
        Phone = ("phone", "电话核实", "Phone"),
        HomeVisit = ("home-visit", "入户走访", "Home visit"),
    }
}

labelled_enum! {
    /// Why a suspect is not a real dropout (非真实辍学原因).
    NotRealReason {
        StudyingElsewhere = ("elsewhere", "在外地就读", "Studying elsewhere"),
        MovedAway = ("moved-away", "已迁出", "Moved away"),
        Died = ("died", "已死亡", "Died"),
        Abroad = ("abroad", "已出国(境)", "Abroad"),
        Duplicate = ("duplicate", "重复登记", "Duplicate entry"),
        AlreadyBack = ("back", "已返校", "Already back at school"),
    }
}

impl NotRealReason {
    /// The status the child takes; `None` keeps the status the child had before suspicion.
    pub fn resulting_status(self) -> Option<Status> {
        match self {
            NotRealReason::StudyingElsewhere => Some(Status::StudyingElsewhere),
            NotRealReason::MovedAway => Some(Status::MovedAway),
            NotRealReason::Died => Some(Status::Deceased),
            NotRealReason::Abroad => Some(Status::Abroad),
            NotRealReason::Duplicate | NotRealReason::AlreadyBack => None,
        }
    }
}

/// The verdict of a verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Verdict {
    /// 确认辍学.
    Confirmed,
    /// 非真实辍学, with where the child studies when that is the reason.
    NotReal {
        reason: NotRealReason,
        school: String,
    },
}

/// 核查: how a suspect was verified and what came out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Verification {
    pub date: NaiveDate,
    pub by: String,
    pub methods: Vec<VerifyMethod>,
    pub verdict: Verdict,
    /// What the verdict rests on (证明材料).
    pub evidence: String,
}

/// An entry of the 疑似辍学学生台账.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Suspect {
    pub id: Uuid,
    pub child_id: Uuid,
    pub trigger: SuspectTrigger,
    pub flagged_on: NaiveDate,
    pub flagged_by: String,
    /// The child's status before suspicion, restored when not real and back.
    pub previous_status: Status,
    pub verification: Option<Verification>,
}

labelled_enum! {
    /// 辍学原因.
    DropoutCause {
        Poverty = ("poverty", "家庭经济困难", "Family hardship"),
        Learning = ("learning", "学习困难/厌学", "Learning difficulty / aversion"),
        Work = ("work", "外出务工", "Working"),
        EarlyMarriage = ("marriage", "早婚早育", "Early marriage"),
        Illness = ("illness", "疾病", "Illness"),
        Disability = ("disability", "残疾", "Disability"),
        ParentAttitude = ("attitude", "家长观念（读书无用论）", "Parents' attitude"),
        Internet = ("internet", "沉迷网络", "Internet addiction"),
        Other = ("other", "其他", "Other"),
    }
}

labelled_enum! {
    /// 包保责任人的身份.
    ResponsibleRole {
        TownshipCadre = ("township", "乡镇干部", "Township cadre"),
        VillageCadre = ("village", "村干部", "Village cadre"),
        Teacher = ("teacher", "班主任/教师", "Teacher"),
        Principal = ("principal", "校长", "Principal"),
        BureauStaff = ("bureau", "教育局干部", "Bureau staff"),
        Other = ("other", "其他", "Other"),
    }
}

/// 包保责任人.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ResponsiblePerson {
    pub name: String,
    pub role: ResponsibleRole,
    pub phone: String,
}

labelled_enum! {
    /// 帮扶措施.
    SupportMeasure {
        TwoExemptions = ("two-exemptions", "两免一补", "Fee exemptions and living allowance"),
        Nutrition = ("nutrition", "营养改善计划", "Nutrition programme"),
        Grant = ("grant", "助学资助", "Grant"),
        HomeTeaching = ("home-teaching", "送教上门", "Home teaching"),
        Counselling = ("counselling", "心理辅导", "Counselling"),
        Vocational = ("vocational", "安排职业学校", "Vocational school place"),
        SpecialSchool = ("special-school", "安排特教学校", "Special school place"),
    }
}

labelled_enum! {
    /// 劝返方式.
    AttemptWay {
        Phone = ("phone", "电话", "Phone"),
        HomeVisit = ("home-visit", "家访", "Home visit"),
        Interview = ("interview", "约谈", "Interview"),
        Campaign = ("campaign", "集中劝返", "Group campaign"),
    }
}

labelled_enum! {
    /// 劝返结果.
    AttemptResult {
        Refused = ("refused", "拒绝复学", "Refused"),
        Considering = ("considering", "考虑中", "Considering"),
        Agreed = ("agreed", "同意复学", "Agreed to return"),
        Unreachable = ("unreachable", "联系不上", "Could not be reached"),
        Returned = ("returned", "已返校", "Back at school"),
    }
}

/// 劝返记录: one attempt to bring the child back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReturnAttempt {
    pub date: NaiveDate,
    pub way: AttemptWay,
    /// Who went.
    pub persons: String,
    /// What the guardian (and child) said.
    pub guardian_said: String,
    pub result: AttemptResult,
    pub recorded_by: String,
}

labelled_enum! {
    /// The legal ladder, in order (义务教育法 §58, 家庭教育促进法 §49).
    LegalStepKind {
        HomeVisit = ("home-visit", "家访劝返", "Persuasion at home"),
        OrderToCorrect = ("order", "批评教育、责令限期改正", "Order to correct within a deadline"),
        ReturnNotice = ("notice", "限期复学通知书", "Written notice to return to school"),
        Penalty = ("penalty", "行政处罚决定书", "Administrative penalty"),
        Lawsuit = ("lawsuit", "提起诉讼", "Lawsuit against the guardian"),
        Reprimand = ("reprimand", "法院训诫、家庭教育指导", "Court reprimand and guidance"),
    }
}

impl LegalStepKind {
    /// Rung of the ladder: a step may follow only steps of a lower or equal rung.
    pub fn rung(self) -> u8 {
        match self {
            LegalStepKind::HomeVisit => 1,
            LegalStepKind::OrderToCorrect => 2,
            LegalStepKind::ReturnNotice => 3,
            LegalStepKind::Penalty | LegalStepKind::Lawsuit | LegalStepKind::Reprimand => 4,
        }
    }
}

/// One dated step of the legal ladder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LegalStep {
    pub kind: LegalStepKind,
    pub date: NaiveDate,
    /// Who issued or served it (e.g. 派出所, 司法所, 教育办).
    pub issuer: String,
    pub note: String,
    /// For a 限期复学通知书: its serial number and the deadline to return.
    pub serial: Option<String>,
    pub deadline: Option<NaiveDate>,
    pub recorded_by: String,
}

/// How a case was closed (销号).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum ClosureOutcome {
    /// 复学: back to school, grade, from a date.
    Returned {
        school_id: Uuid,
        grade: u8,
        class_name: String,
        date: NaiveDate,
    },
    /// 送教上门.
    HomeTeaching,
    /// 转入中职.
    Vocational { school: String },
    /// Another outcome approved by the bureau, with the status it leaves the child in.
    Other { description: String, status: Status },
}

impl ClosureOutcome {
    pub fn zh(&self) -> String {
        match self {
            ClosureOutcome::Returned { date, grade, .. } => format!("复学（{grade}年级，{date}）"),
            ClosureOutcome::HomeTeaching => "送教上门".into(),
            ClosureOutcome::Vocational { school } => format!("转入中职：{school}"),
            ClosureOutcome::Other { description, .. } => format!("其他：{description}"),
        }
    }

    /// How the case was closed, in `lang`.
    pub fn label(&self, lang: crate::model::Lang) -> String {
        match (self, lang) {
            (_, crate::model::Lang::Zh) => self.zh(),
            (ClosureOutcome::Returned { date, grade, .. }, _) => {
                format!("Back in school (grade {grade}, {date})")
            }
            (ClosureOutcome::HomeTeaching, _) => "Taught at home".into(),
            (ClosureOutcome::Vocational { school }, _) => format!("To vocational school: {school}"),
            (ClosureOutcome::Other { description, .. }, _) => format!("Other: {description}"),
        }
    }
}

/// 销号.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Closure {
    pub date: NaiveDate,
    pub outcome: ClosureOutcome,
    pub evidence: String,
    pub by: String,
}

/// One period of a case from opening (or reopening) to closing, kept when the case reopens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Episode {
    pub opened_on: NaiveDate,
    pub left_on: NaiveDate,
    pub cause: DropoutCause,
    pub attempts: Vec<ReturnAttempt>,
    pub legal_steps: Vec<LegalStep>,
    pub closure: Closure,
}

/// A dropout case (辍学学生·一人一案).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DropoutCase {
    pub id: Uuid,
    pub child_id: Uuid,
    /// The suspect entry whose verification opened (or reopened) it.
    pub suspect_id: Uuid,
    pub opened_on: NaiveDate,
    /// 辍学时间.
    pub left_on: NaiveDate,
    pub cause: DropoutCause,
    pub cause_note: String,
    pub responsible: Vec<ResponsiblePerson>,
    /// 劝返时限.
    pub deadline: NaiveDate,
    pub support: Vec<SupportMeasure>,
    pub attempts: Vec<ReturnAttempt>,
    pub legal_steps: Vec<LegalStep>,
    pub closure: Option<Closure>,
    /// Earlier episodes, when the child dropped out again after a closing.
    pub history: Vec<Episode>,
}

labelled_enum! {
    /// 台账状态 of a case: the ledger shows open, closed and reopened entries.
    CaseState {
        Open = ("open", "未销号", "Open"),
        Reopened = ("reopened", "再次辍学", "Reopened"),
        Closed = ("closed", "已销号", "Closed"),
    }
}

impl DropoutCase {
    pub fn state(&self) -> CaseState {
        match (&self.closure, self.history.is_empty()) {
            (Some(_), _) => CaseState::Closed,
            (None, true) => CaseState::Open,
            (None, false) => CaseState::Reopened,
        }
    }
}

/// A transfer out (转出), waiting for the receiving school to confirm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Transfer {
    pub id: Uuid,
    pub child_id: Uuid,
    pub date: NaiveDate,
    pub from_school: Option<Uuid>,
    pub to_school: String,
    pub confirmed_on: Option<NaiveDate>,
    pub recorded_by: String,
}

/// 送教上门 plan for a severely disabled child taught at home.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HomeTeachingPlan {
    pub child_id: Uuid,
    pub teacher: String,
    /// Days between visits (7 = weekly).
    pub interval_days: u32,
    pub started_on: NaiveDate,
    pub visits: Vec<HomeVisit>,
}

/// One 送教上门 visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HomeVisit {
    pub date: NaiveDate,
    pub teacher: String,
    pub hours: f32,
    pub content: String,
}

impl HomeTeachingPlan {
    /// The day the next visit is due.
    pub fn next_due(&self) -> NaiveDate {
        let last = self
            .visits
            .iter()
            .map(|v| v.date)
            .max()
            .unwrap_or(self.started_on);
        days_after(last, self.interval_days)
    }
}

/// 控辍保学 settings of an installation, with the defaults of DOMAIN.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct CaseworkSettings {
    /// Consecutive unexcused school days that make a suspect.
    pub absence_threshold: u32,
    /// Days after a transfer out before an unconfirmed one is listed.
    pub transfer_confirm_days: u32,
    /// Days a returned child is watched.
    pub watch_days: u32,
    /// Days given by a 限期复学通知书.
    pub notice_deadline_days: u32,
    /// Default 劝返时限 of a new case, in days.
    pub case_deadline_days: u32,
    /// Who issues notices (e.g. 泸溪县教育局).
    pub notice_issuer: String,
    /// Prefix of notice serial numbers (e.g. 泸教控辍).
    pub notice_prefix: String,
    /// Remind to make a backup file when the last one is older than this many days.
    pub backup_reminder_days: u32,
    /// School days: holidays, vacations and make-up days.
    pub calendar: super::attendance::SchoolCalendar,
    /// Targets of the indicators, in percent.
    pub targets: crate::indicators::Targets,
    /// Which decreases the province counts as dropouts.
    pub dropout_definition: crate::indicators::DropoutDefinition,
    /// Who the enrolment rates count (deferrals, the 三类残疾 ages).
    pub census_definition: crate::indicators::CensusDefinition,
    /// Day of the following month by which a school's monthly report is due.
    pub report_deadline_day: u32,
}

impl Default for CaseworkSettings {
    fn default() -> Self {
        Self {
            absence_threshold: 3,
            transfer_confirm_days: 15,
            watch_days: 90,
            notice_deadline_days: 7,
            case_deadline_days: 30,
            notice_issuer: String::new(),
            notice_prefix: "教控辍".into(),
            backup_reminder_days: 7,
            calendar: Default::default(),
            targets: Default::default(),
            dropout_definition: Default::default(),
            census_definition: Default::default(),
            report_deadline_day: 5,
        }
    }
}

impl CaseworkSettings {
    /// Defaults for a unit: notices issued by its education bureau (e.g. 泸溪县教育局) with
    /// serials like 泸溪教控辍〔2026〕1号.
    pub fn for_unit(short_name: &str) -> Self {
        let stem = short_name.trim_end_matches(['县', '区', '市', '旗', '镇', '乡']);
        Self {
            notice_issuer: if short_name.is_empty() {
                String::new()
            } else {
                format!("{short_name}教育局")
            },
            notice_prefix: format!("{stem}教控辍"),
            ..Self::default()
        }
    }

    /// Each number setting: its name, the range a county can mean, and where it is.
    fn numbers(&mut self) -> [(&'static str, std::ops::RangeInclusive<u32>, &mut u32); 7] {
        [
            (
                "连续缺勤认定疑似辍学的天数",
                1..=30,
                &mut self.absence_threshold,
            ),
            ("转出待确认的天数", 1..=365, &mut self.transfer_confirm_days),
            ("复学观察期天数", 1..=730, &mut self.watch_days),
            (
                "限期复学通知书的期限天数",
                1..=90,
                &mut self.notice_deadline_days,
            ),
            ("劝返时限天数", 1..=365, &mut self.case_deadline_days),
            ("备份提醒天数", 1..=365, &mut self.backup_reminder_days),
            ("月报截止日", 1..=28, &mut self.report_deadline_day),
        ]
    }

    /// What is out of range, each said in Chinese; empty when every setting is sane.
    pub fn problems(&self) -> Vec<String> {
        let mut copy = self.clone();
        let mut out: Vec<String> = copy
            .numbers()
            .into_iter()
            .filter(|(_, range, v)| !range.contains(v))
            .map(|(name, range, v)| {
                format!("“{name}”为{v}，应在{}到{}之间", range.start(), range.end())
            })
            .collect();
        for (name, text) in [
            ("通知书发文单位", &self.notice_issuer),
            ("通知书文号前缀", &self.notice_prefix),
        ] {
            if text.chars().count() > MAX_SETTING_TEXT {
                out.push(format!(
                    "“{name}”有{}个字，最多{MAX_SETTING_TEXT}个",
                    text.chars().count()
                ));
            }
        }
        let c = &self.calendar;
        if c.closed.len() + c.make_up.len() > MAX_CALENDAR_LINES {
            out.push(format!(
                "校历有{}条，最多{MAX_CALENDAR_LINES}条",
                c.closed.len() + c.make_up.len()
            ));
        }
        if let Some((a, b)) = c
            .closed
            .iter()
            .find(|(a, b)| a > b || (*b - *a).num_days() > 366)
        {
            out.push(format!(
                "校历中的停课日期段{a}至{b}不合理（起止颠倒或超过一年）"
            ));
        }
        let t = &self.targets;
        for (name, v) in [
            ("小学入学率目标", t.primary_enrolment),
            ("初中入学率目标", t.junior_enrolment),
            ("小学辍学率目标", t.primary_dropout),
            ("初中辍学率目标", t.junior_dropout),
            ("巩固率目标", t.consolidation),
            ("残疾儿童入学率目标", t.disabled_enrolment),
        ] {
            if !(0.0..=100.0).contains(&v) {
                out.push(format!("“{name}”为{v}%，应在0到100之间"));
            }
        }
        out
    }

    /// The settings with every out-of-range value put back to its default, and what was
    /// changed: data saved by an earlier version may hold a value no county means, and the
    /// installation must still open.
    pub fn sanitized(mut self) -> (CaseworkSettings, Vec<String>) {
        let said = self.problems();
        if said.is_empty() {
            return (self, said);
        }
        let mut defaults = CaseworkSettings::default();
        for ((_, range, v), (_, _, d)) in self.numbers().into_iter().zip(defaults.numbers()) {
            if !range.contains(v) {
                *v = *d;
            }
        }
        for text in [&mut self.notice_issuer, &mut self.notice_prefix] {
            if text.chars().count() > MAX_SETTING_TEXT {
                *text = text.chars().take(MAX_SETTING_TEXT).collect();
            }
        }
        let c = &mut self.calendar;
        c.closed
            .retain(|(a, b)| a <= b && (*b - *a).num_days() <= 366);
        c.closed.truncate(MAX_CALENDAR_LINES);
        c.make_up
            .truncate(MAX_CALENDAR_LINES.saturating_sub(c.closed.len()));
        let t = &mut self.targets;
        let d = crate::indicators::Targets::default();
        for (v, d) in [
            (&mut t.primary_enrolment, d.primary_enrolment),
            (&mut t.junior_enrolment, d.junior_enrolment),
            (&mut t.primary_dropout, d.primary_dropout),
            (&mut t.junior_dropout, d.junior_dropout),
            (&mut t.consolidation, d.consolidation),
            (&mut t.disabled_enrolment, d.disabled_enrolment),
        ] {
            if !(0.0..=100.0).contains(v) {
                *v = d;
            }
        }
        (self, said)
    }
}

/// Longest text setting, in characters.
const MAX_SETTING_TEXT: usize = 60;
/// Most lines a school calendar holds (a year has ~30 holiday and make-up lines).
const MAX_CALENDAR_LINES: usize = 1_000;

/// `days` after `date`, never past the last date the calendar can hold (no panic on a
/// setting or file that says 4,294,967,295 days).
pub fn days_after(date: NaiveDate, days: u32) -> NaiveDate {
    date.checked_add_days(chrono::Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MAX)
}

/// A thing the operator must do, for the to-do list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Todo {
    VerifySuspect {
        suspect_id: Uuid,
        child_id: Uuid,
        since: NaiveDate,
    },
    CaseOverdue {
        case_id: Uuid,
        child_id: Uuid,
        deadline: NaiveDate,
    },
    NoticeExpired {
        case_id: Uuid,
        child_id: Uuid,
        serial: String,
        deadline: NaiveDate,
    },
    WatchedAbsent {
        case_id: Uuid,
        child_id: Uuid,
        date: NaiveDate,
        watch_until: NaiveDate,
    },
    HomeVisitOverdue {
        child_id: Uuid,
        due: NaiveDate,
    },
    TransferUnconfirmed {
        transfer_id: Uuid,
        child_id: Uuid,
        date: NaiveDate,
    },
}

impl Todo {
    /// Most urgent first: a returned child missing again, expired notices, overdue cases,
    /// then visits, transfers and verifications.
    pub fn urgency(&self) -> u8 {
        match self {
            Todo::WatchedAbsent { .. } => 0,
            Todo::NoticeExpired { .. } => 1,
            Todo::CaseOverdue { .. } => 2,
            Todo::HomeVisitOverdue { .. } => 3,
            Todo::TransferUnconfirmed { .. } => 4,
            Todo::VerifySuspect { .. } => 5,
        }
    }
}

/// When a closed case's child is watched until.
pub fn watch_until(closure: &Closure, watch_days: u32) -> NaiveDate {
    days_after(closure.date, watch_days)
}
