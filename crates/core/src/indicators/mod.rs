//! 指标: the enrolment, dropout and consolidation rates a county is measured by, each with
//! the variant of its definition and the target it is held to, and the flow balance
//! (人账相符) a school's figures must pass before they go up.

pub mod history;
#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::{labelled_enum, Child, DisabilityCategory, Stage, Status};
use crate::rules::school_age::{age_on, expected_grade, school_year_of};

labelled_enum! {
    /// The figures of 控辍保学.
    Indicator {
        PrimaryEnrolment = ("primary-enrolment", "小学入学率", "Primary enrolment rate"),
        JuniorEnrolment = ("junior-enrolment", "初中入学率（毛）", "Junior enrolment rate (gross)"),
        PrimaryDropout = ("primary-dropout", "小学辍学率", "Primary dropout rate"),
        JuniorDropout = ("junior-dropout", "初中辍学率", "Junior dropout rate"),
        Consolidation = ("consolidation", "九年义务教育巩固率", "Nine-year consolidation rate"),
        DisabledEnrolment = ("disabled-enrolment", "三类残疾儿童少年入学率", "Enrolment of children with the three disabilities"),
    }
}

impl Indicator {
    /// Whether a higher figure is better (enrolment, consolidation) or lower (dropout).
    pub fn higher_is_better(self) -> bool {
        !matches!(self, Indicator::PrimaryDropout | Indicator::JuniorDropout)
    }

    pub fn dropout_of(stage: Stage) -> Indicator {
        match stage {
            Stage::Primary => Indicator::PrimaryDropout,
            Stage::Junior => Indicator::JuniorDropout,
        }
    }
}

/// Which decreases count as dropouts: provinces differ on 休学 and deaths.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(default)]
pub struct DropoutDefinition {
    pub suspended_count: bool,
    pub deaths_count: bool,
}

impl DropoutDefinition {
    /// Says which variant produced a figure.
    pub fn label(self) -> &'static str {
        match (self.suspended_count, self.deaths_count) {
            (false, false) => "辍学人数不含休学和死亡",
            (true, false) => "辍学人数含休学，不含死亡",
            (false, true) => "辍学人数含死亡，不含休学",
            (true, true) => "辍学人数含休学和死亡",
        }
    }
}

/// Who the enrolment rates count: places differ on approved deferrals and on the ages of the
/// 三类残疾 rate. The defaults are the official forms'.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct CensusDefinition {
    /// Leave approved deferrals (延缓入学) out of the primary-age population. By default they
    /// stay in it, as not enrolled.
    pub deferred_excluded: bool,
    /// The youngest age counted for the 三类残疾 rate: 7 on the official form, 6 in places.
    pub disabled_from_age: u8,
}

impl Default for CensusDefinition {
    fn default() -> Self {
        CensusDefinition {
            deferred_excluded: false,
            disabled_from_age: 7,
        }
    }
}

impl CensusDefinition {
    /// The ages the 三类残疾 rate may start at.
    pub const DISABLED_FROM_AGES: [u8; 2] = [6, 7];

    /// The youngest age of the 三类残疾 rate, held to the ages a form may use.
    pub fn disabled_from(self) -> u8 {
        self.disabled_from_age.clamp(6, 7)
    }

    /// Says who the primary rate counts.
    pub fn primary_label(self) -> &'static str {
        if self.deferred_excluded {
            "小学适龄人口不含经批准延缓入学儿童"
        } else {
            "小学适龄人口含经批准延缓入学儿童（计为未在籍）"
        }
    }

    /// Says who the 三类残疾 rate counts.
    pub fn disabled_label(self) -> String {
        format!(
            "{}–15 周岁视力、听力言语、智力残疾儿童",
            self.disabled_from()
        )
    }
}

/// Targets in percent, per indicator (settings; defaults from the national goals).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct Targets {
    pub primary_enrolment: f64,
    pub junior_enrolment: f64,
    pub primary_dropout: f64,
    pub junior_dropout: f64,
    pub consolidation: f64,
    pub disabled_enrolment: f64,
}

impl Default for Targets {
    fn default() -> Self {
        Targets {
            primary_enrolment: 99.0,
            junior_enrolment: 95.0,
            primary_dropout: 0.6,
            junior_dropout: 1.8,
            consolidation: 95.0,
            disabled_enrolment: 97.0,
        }
    }
}

impl Targets {
    pub fn of(&self, indicator: Indicator) -> f64 {
        match indicator {
            Indicator::PrimaryEnrolment => self.primary_enrolment,
            Indicator::JuniorEnrolment => self.junior_enrolment,
            Indicator::PrimaryDropout => self.primary_dropout,
            Indicator::JuniorDropout => self.junior_dropout,
            Indicator::Consolidation => self.consolidation,
            Indicator::DisabledEnrolment => self.disabled_enrolment,
        }
    }
}

/// Which definition (口径) produced a figure: said in either language, compared as a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Definition {
    Dropout(DropoutDefinition),
    /// 巩固率, its grade-1 base adjusted for transfers and deaths or not.
    Consolidation {
        adjusted: bool,
    },
    PrimaryEnrolment(CensusDefinition),
    JuniorEnrolment,
    DisabledEnrolment(CensusDefinition),
}

impl std::fmt::Display for Definition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Definition::Dropout(d) => f.write_str(d.label()),
            Definition::Consolidation { adjusted: true } => {
                f.write_str("入学人数按转入、转出和死亡调整")
            }
            Definition::Consolidation { adjusted: false } => f.write_str("入学人数未调整"),
            Definition::PrimaryEnrolment(d) => {
                write!(
                    f,
                    "小学适龄儿童中在籍（含外出就读、休学）人数；{}",
                    d.primary_label()
                )
            }
            Definition::JuniorEnrolment => f.write_str(
                "初中在校生（不论年龄）除以初中适龄人口；小学毕业未升入初中者计入适龄人口",
            ),
            Definition::DisabledEnrolment(d) => {
                write!(
                    f,
                    "{}；随班就读、特教学校、送教上门均计入",
                    d.disabled_label()
                )
            }
        }
    }
}

impl crate::model::Localized for Definition {
    fn en(&self) -> String {
        match self {
            Definition::Dropout(d) => {
                let with = match (d.suspended_count, d.deaths_count) {
                    (false, false) => "not counting suspensions or deaths",
                    (true, false) => "counting suspensions, not deaths",
                    (false, true) => "counting deaths, not suspensions",
                    (true, true) => "counting suspensions and deaths",
                };
                format!("Dropouts {with}")
            }
            Definition::Consolidation { adjusted: true } => {
                "Entrants adjusted for transfers in, out and deaths".into()
            }
            Definition::Consolidation { adjusted: false } => "Entrants not adjusted".into(),
            Definition::PrimaryEnrolment(d) => format!(
                "Primary-age children enrolled (studying elsewhere and suspended included); {}",
                if d.deferred_excluded {
                    "approved deferrals left out of the population"
                } else {
                    "approved deferrals in the population, as not enrolled"
                }
            ),
            Definition::JuniorEnrolment => "Junior students (any age) over the junior-age population; primary leavers not in junior school count in the population".into(),
            Definition::DisabledEnrolment(d) => format!(
                "Children of {}–15 with visual, hearing and speech, or intellectual disabilities; regular classes, special schools and home teaching all count",
                d.disabled_from()
            ),
        }
    }
}

/// Why a figure cannot be right: a rate above 100% is a data problem, said with its counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FigureWarning {
    /// An enrolment rate's numerator above its denominator.
    OverWhole { numerator: u32, denominator: u32 },
    /// More in grade 9 than the cohort could hold; with the 小升初 flow when it explains it.
    CohortOver {
        grade9: u32,
        base: u32,
        junior_entrants: u32,
        primary_graduates: u32,
    },
}

impl std::fmt::Display for FigureWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            FigureWarning::OverWhole {
                numerator,
                denominator,
            } => write!(
                f,
                "分子{numerator}人多于分母{denominator}人，超过100%：请核对超龄、外地学生和学籍登记"
            ),
            FigureWarning::CohortOver {
                grade9,
                base,
                junior_entrants,
                primary_graduates,
            } => {
                write!(
                    f,
                    "九年级{grade9}人多于本届入学基数{base}人（多{}人），数据不平衡",
                    grade9 - base
                )?;
                if junior_entrants > primary_graduates {
                    write!(
                        f,
                        "：七年级新生{junior_entrants}人多于本届小学毕业生{primary_graduates}人，差额{}人未登记为转入",
                        junior_entrants - primary_graduates
                    )
                } else {
                    f.write_str("：请核对转入登记和一年级入学人数")
                }
            }
        }
    }
}

impl crate::model::Localized for FigureWarning {
    fn en(&self) -> String {
        match *self {
            FigureWarning::OverWhole { numerator, denominator } => format!(
                "{numerator} counted over {denominator}, above 100%: check over-age and non-local pupils and the student records"
            ),
            FigureWarning::CohortOver { grade9, base, junior_entrants, primary_graduates } => {
                let mut why = format!(
                    "{grade9} in grade 9, more than the cohort's {base} entrants ({} more): the data do not balance",
                    grade9 - base
                );
                if junior_entrants > primary_graduates {
                    why.push_str(&format!(
                        "; {junior_entrants} grade-7 newcomers but {primary_graduates} primary graduates: {} not recorded as transfers in",
                        junior_entrants - primary_graduates
                    ));
                } else {
                    why.push_str("; check the transfers in and the grade-1 entrants");
                }
                why
            }
        }
    }
}

/// One computed figure, with what it was computed from.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub indicator: Indicator,
    pub numerator: u32,
    pub denominator: u32,
    /// Which definition produced it.
    pub variant: Definition,
    /// Target in percent.
    pub target: f64,
    /// Why the figure cannot be right (a rate above 100%); none when it can be.
    pub warning: Option<FigureWarning>,
}

impl Figure {
    /// The figure in percent; none when there is nobody to count.
    pub fn percent(&self) -> Option<f64> {
        (self.denominator > 0)
            .then(|| f64::from(self.numerator) * 100.0 / f64::from(self.denominator))
    }

    /// A rate above 100% is a data problem, not a figure that meets its target.
    pub fn exceeds_whole(&self) -> bool {
        self.numerator > self.denominator
    }

    /// Whether the figure meets its target; none when there is nobody to count, or when the
    /// figure is above 100% and so cannot be judged.
    pub fn meets_target(&self) -> Option<bool> {
        if self.indicator.higher_is_better() && self.exceeds_whole() {
            return None;
        }
        self.percent().map(|p| {
            if self.indicator.higher_is_better() {
                p >= self.target
            } else {
                p <= self.target
            }
        })
    }
}

/// One stage's movements at one school over a period (人账相符): what the ledger must
/// account for between the start and end counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Flow {
    pub start: u32,
    /// New pupils: grade 1, or grade 7 from primary schools.
    pub entered: u32,
    pub transferred_in: u32,
    pub transferred_out: u32,
    pub graduated: u32,
    pub died: u32,
    pub dropped_out: u32,
    /// Dropouts brought back.
    pub returned: u32,
    /// 休学 during the period (counted as dropouts in some provinces).
    pub suspended: u32,
    pub end: u32,
}

impl Flow {
    /// start + entered + in − out − graduated − died − dropped out + returned: what the end
    /// count should be. Suspended children keep their 学籍 and stay counted.
    pub fn expected_end(&self) -> i64 {
        i64::from(self.start)
            + i64::from(self.entered)
            + i64::from(self.returned)
            + i64::from(self.transferred_in)
            - i64::from(self.transferred_out)
            - i64::from(self.graduated)
            - i64::from(self.died)
            - i64::from(self.dropped_out)
    }

    /// End count minus expected: zero when the figures balance.
    pub fn difference(&self) -> i64 {
        i64::from(self.end) - self.expected_end()
    }

    pub fn balances(&self) -> bool {
        self.difference() == 0
    }

    /// The dropout rate of this flow under a definition: dropouts (and, by the definition,
    /// suspensions and deaths) over the enrolment at the start.
    pub fn dropout_rate(&self, stage: Stage, def: DropoutDefinition, targets: &Targets) -> Figure {
        let indicator = Indicator::dropout_of(stage);
        let numerator = self.dropped_out
            + if def.suspended_count {
                self.suspended
            } else {
                0
            }
            + if def.deaths_count { self.died } else { 0 };
        Figure {
            indicator,
            numerator,
            denominator: self.start,
            variant: Definition::Dropout(def),
            target: targets.of(indicator),
            warning: None,
        }
    }
}

/// A cohort for the consolidation rate: who entered grade 1, who is in grade 9 eight years
/// later, and the transfers in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cohort {
    pub grade1_entrants: u32,
    pub grade9_now: u32,
    pub transferred_in: u32,
    pub transferred_out: u32,
    /// Died in between: not a failure to consolidate.
    pub died: u32,
    /// The cohort's grade-6 graduates of the unit's primary schools (小学毕业).
    pub primary_graduates: u32,
    /// The cohort's grade-7 newcomers at the unit's junior schools (初一新生).
    pub junior_entrants: u32,
}

impl Cohort {
    /// 巩固率: grade-9 students over the grade-1 entrants eight years earlier, the entrants
    /// adjusted for transfers in and out (and deaths) when `adjusted`.
    pub fn consolidation_rate(&self, adjusted: bool, targets: &Targets) -> Figure {
        let mut figure = self.rate(adjusted, targets);
        figure.warning = figure.exceeds_whole().then(|| self.why_over(&figure));
        figure
    }

    /// Why grade 9 holds more than the cohort could: the flow that does not balance.
    fn why_over(&self, figure: &Figure) -> FigureWarning {
        FigureWarning::CohortOver {
            grade9: figure.numerator,
            base: figure.denominator,
            junior_entrants: self.junior_entrants,
            primary_graduates: self.primary_graduates,
        }
    }

    fn rate(&self, adjusted: bool, targets: &Targets) -> Figure {
        let denominator = if adjusted {
            (i64::from(self.grade1_entrants) + i64::from(self.transferred_in)
                - i64::from(self.transferred_out)
                - i64::from(self.died))
            .max(0) as u32
        } else {
            self.grade1_entrants
        };
        Figure {
            indicator: Indicator::Consolidation,
            numerator: self.grade9_now,
            denominator,
            variant: Definition::Consolidation { adjusted },
            target: targets.of(Indicator::Consolidation),
            warning: None,
        }
    }
}

/// Counts on one day from the children's ledger (or part of it), for the enrolment rates.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(default)]
pub struct Census {
    /// Children of primary age (expected in grades 1–6), still in the unit's care.
    pub primary_age: u32,
    /// Of those, enrolled somewhere (here, elsewhere, suspended with a 学籍).
    pub primary_age_enrolled: u32,
    /// Children of junior age (expected in grades 7–9, under 16).
    pub junior_age: u32,
    /// Of those, enrolled somewhere (in any grade).
    pub junior_age_enrolled: u32,
    /// Students in grades 7–9, whatever their age (the gross rate).
    pub junior_students: u32,
    /// School-age children with a visual, hearing/speech or intellectual disability.
    pub disabled_three: u32,
    /// Of those, enrolled (随班就读, special school and 送教上门 included).
    pub disabled_three_enrolled: u32,
}

/// A graduate who finished grade 9 has finished compulsory education; one who finished only
/// primary school (grade 6, or no grade recorded but last year in grade 6) has not.
fn finished_compulsory(child: &Child) -> bool {
    let last_grade = child
        .grade
        .or_else(|| child.previous_year.and_then(|p| p.grade));
    last_grade.is_none_or(|g| g >= 9)
}

/// Enrolled for the enrolment rates: holding a 学籍 here or elsewhere.
fn enrolled(status: Status) -> bool {
    status.counts_as_enrolled() || matches!(status, Status::Suspended | Status::StudyingElsewhere)
}

/// Where one child counts in a census.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counted {
    pub primary_age: bool,
    pub enrolled: bool,
    pub junior_age: bool,
    pub junior_student: bool,
    pub disabled_three: bool,
}

impl Counted {
    /// How `child` counts on `on`. Children who moved away, died or went abroad are not the
    /// unit's, nor are those who finished grade 9. A child who finished only grade 6 (the
    /// 小升初 leak) is still of school age and out of school. Approved deferrals (延缓入学)
    /// count as the definition says.
    pub fn of(child: &Child, on: NaiveDate, def: CensusDefinition) -> Counted {
        let left = match child.status {
            Status::Graduated => finished_compulsory(child),
            s => !s.is_active(),
        };
        if left {
            return Counted::default();
        }
        let grade = expected_grade(child.birth_date, school_year_of(on));
        let age = age_on(child.birth_date, on);
        let school_age = (1..=9).contains(&grade) && age < 16;
        let enrolled = enrolled(child.status);
        let deferred_out = def.deferred_excluded && child.status == Status::Deferred;
        Counted {
            primary_age: (1..=6).contains(&grade) && !deferred_out,
            enrolled,
            junior_age: (7..=9).contains(&grade) && school_age,
            junior_student: enrolled && child.stage() == Some(Stage::Junior),
            disabled_three: (i64::from(def.disabled_from())..16).contains(&i64::from(age))
                && matches!(
                    child.disability,
                    Some(
                        DisabilityCategory::Visual
                            | DisabilityCategory::Hearing
                            | DisabilityCategory::Speech
                            | DisabilityCategory::Intellectual
                    )
                ),
        }
    }
}

impl Census {
    /// Counts `children` on `on` (see [`Counted::of`]).
    pub fn of<'a>(
        children: impl IntoIterator<Item = &'a Child>,
        on: NaiveDate,
        def: CensusDefinition,
    ) -> Census {
        let mut c = Census::default();
        for child in children {
            c.add(Counted::of(child, on, def));
        }
        c
    }

    pub fn add(&mut self, k: Counted) {
        let n = |b: bool| u32::from(b);
        self.primary_age += n(k.primary_age);
        self.primary_age_enrolled += n(k.primary_age && k.enrolled);
        self.junior_age += n(k.junior_age);
        self.junior_age_enrolled += n(k.junior_age && k.enrolled);
        self.junior_students += n(k.junior_student);
        self.disabled_three += n(k.disabled_three);
        self.disabled_three_enrolled += n(k.disabled_three && k.enrolled);
    }

    /// The three enrolment rates of this census, counted under `def`.
    pub fn figures(&self, targets: &Targets, def: CensusDefinition) -> [Figure; 3] {
        let figure = |indicator, numerator: u32, denominator: u32, variant: Definition| {
            let warning = (numerator > denominator).then_some(FigureWarning::OverWhole {
                numerator,
                denominator,
            });
            Figure {
                indicator,
                numerator,
                denominator,
                variant,
                target: targets.of(indicator),
                warning,
            }
        };
        [
            figure(
                Indicator::PrimaryEnrolment,
                self.primary_age_enrolled,
                self.primary_age,
                Definition::PrimaryEnrolment(def),
            ),
            figure(
                Indicator::JuniorEnrolment,
                self.junior_students,
                self.junior_age,
                Definition::JuniorEnrolment,
            ),
            figure(
                Indicator::DisabledEnrolment,
                self.disabled_three_enrolled,
                self.disabled_three,
                Definition::DisabledEnrolment(def),
            ),
        ]
    }
}

labelled_enum! {
    /// The children behind a shortfall: who keeps a rate from 100%.
    Shortfall {
        PrimaryNotEnrolled = ("primary-not-enrolled", "小学适龄未在籍", "Primary age, not enrolled"),
        JuniorNotEnrolled = ("junior-not-enrolled", "初中适龄未在籍", "Junior age, not enrolled"),
        DisabledNotEnrolled = ("disabled-not-enrolled", "三类残疾适龄未入学", "Three disabilities, not enrolled"),
    }
}

impl Shortfall {
    pub fn holds(self, k: Counted) -> bool {
        match self {
            Shortfall::PrimaryNotEnrolled => k.primary_age && !k.enrolled,
            Shortfall::JuniorNotEnrolled => k.junior_age && !k.enrolled,
            Shortfall::DisabledNotEnrolled => k.disabled_three && !k.enrolled,
        }
    }
}

/// The row of children whose township is not filled in.
pub const NO_TOWNSHIP: &str = "未填乡镇";

/// Whether `child` is in the township `code` ("" for children with none).
fn in_township(ledger: &crate::ledger::Ledger, child: &Child, code: &str) -> bool {
    ledger.township_of(child).unwrap_or("") == code
}

/// A census of the county, each township and each school, in one pass over the ledger.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CensusTable {
    pub county: Census,
    /// Township code, name, census — in the installation's order; children with no
    /// township last, under the code "" and the name 未填乡镇.
    pub townships: Vec<(String, String, Census)>,
    /// School, its township code, census — children with no school are in no school's row.
    pub schools: Vec<(uuid::Uuid, String, String, Census)>,
}

impl CensusTable {
    pub fn of(ledger: &crate::ledger::Ledger, on: NaiveDate, def: CensusDefinition) -> CensusTable {
        use std::collections::HashMap;
        let mut towns: HashMap<&str, Census> = HashMap::new();
        let mut schools: HashMap<uuid::Uuid, Census> = HashMap::new();
        let mut county = Census::default();
        let mut no_township = Census::default();
        for child in ledger.children() {
            let k = Counted::of(child, on, def);
            if k == Counted::default() {
                continue;
            }
            county.add(k);
            match ledger.township_of(child).filter(|t| !t.is_empty()) {
                Some(t) => towns.entry(t).or_default().add(k),
                None => no_township.add(k),
            }
            if let Some(s) = child.school_id {
                schools.entry(s).or_default().add(k);
            }
        }
        let mut codes: Vec<&str> = towns.keys().copied().collect();
        codes.sort_by_key(|c| ledger.township_rank(c));
        CensusTable {
            county,
            townships: codes
                .into_iter()
                .map(|c| {
                    (
                        c.to_string(),
                        ledger.township_name(c).to_string(),
                        towns.get(c).copied().unwrap_or_default(),
                    )
                })
                .chain(
                    (no_township != Census::default())
                        .then(|| (String::new(), NO_TOWNSHIP.to_string(), no_township)),
                )
                .collect(),
            schools: ledger
                .schools()
                .iter()
                .filter_map(|s| {
                    schools
                        .get(&s.id)
                        .map(|c| (s.id, s.name.clone(), s.township_code.clone(), *c))
                })
                .collect(),
        }
    }
}

/// Positions in the ledger of the children behind a shortfall, in a township or school
/// (or the whole county when both are none).
pub fn children_behind(
    ledger: &crate::ledger::Ledger,
    on: NaiveDate,
    def: CensusDefinition,
    shortfall: Shortfall,
    township: Option<&str>,
    school: Option<uuid::Uuid>,
) -> Vec<u32> {
    ledger
        .children()
        .iter()
        .enumerate()
        .filter(|(_, c)| school.is_none_or(|s| c.school_id == Some(s)))
        .filter(|(_, c)| township.is_none_or(|t| in_township(ledger, c, t)))
        .filter(|(_, c)| shortfall.holds(Counted::of(c, on, def)))
        .map(|(i, _)| i as u32)
        .collect()
}

/// Positions in the ledger of the children who are out of school as dropouts today (辍学), in
/// a township, school and grade (any, when none).
pub fn dropouts_on_ledger(
    ledger: &crate::ledger::Ledger,
    township: Option<&str>,
    school: Option<uuid::Uuid>,
    grade: Option<u8>,
) -> Vec<u32> {
    ledger
        .children()
        .iter()
        .enumerate()
        .filter(|(_, c)| c.status == Status::Dropout)
        .filter(|(_, c)| school.is_none_or(|s| c.school_id == Some(s)))
        .filter(|(_, c)| grade.is_none_or(|g| c.grade == Some(g)))
        .filter(|(_, c)| township.is_none_or(|t| in_township(ledger, c, t)))
        .map(|(i, _)| i as u32)
        .collect()
}
