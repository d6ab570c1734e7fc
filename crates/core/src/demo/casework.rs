//! The demo county's casework: suspects with their evidence, verified ones (confirmed and not
//! real), open, overdue, closed and reopened cases with persuasion and legal steps, watched
//! children, home-teaching plans, and the 小升初 leak. Deterministic for the seed.

use chrono::{Duration, NaiveDate};
use rand::{seq::IndexedRandom, Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use uuid::Uuid;

use super::{names, uuid};
use crate::casework::attendance::SchoolCalendar;
use crate::casework::*;
use crate::installation::Records;
use crate::model::{Child, PreviousYear, School, SchoolKind, Status};
use crate::rules::school_age::school_year_of;

const TEACHERS: &[&str] = &["张", "李", "彭", "向", "田", "杨", "石", "吴"];

/// A suspect flagged after `days` school days of absence before `verified_on`, and verified
/// that day.
#[allow(clippy::too_many_arguments)]
fn verified_suspect(
    cal: &SchoolCalendar,
    id: Uuid,
    child_id: Uuid,
    days: u32,
    verified_on: NaiveDate,
    methods: Vec<VerifyMethod>,
    verdict: Verdict,
    evidence: &str,
) -> Suspect {
    Suspect {
        id,
        child_id,
        trigger: SuspectTrigger::Absence {
            first_day: days_back(cal, verified_on, days),
            last_day: days_back(cal, verified_on, 1),
            days,
        },
        flagged_on: days_back(cal, verified_on, 1),
        flagged_by: "班主任".into(),
        previous_status: Status::InSchool,
        verification: Some(Verification {
            date: verified_on,
            by: "县控辍办".into(),
            methods,
            verdict,
            evidence: evidence.into(),
        }),
    }
}

fn days_back(cal: &SchoolCalendar, from: NaiveDate, n: u32) -> NaiveDate {
    (0..n).fold(from, |d, _| cal.previous_school_day(d))
}

/// Fills in last year's enrolment, plants 小升初 gaps, and makes the casework records.
pub fn casework(
    seed: u64,
    today: NaiveDate,
    schools: &[School],
    children: &mut [Child],
    settings: &CaseworkSettings,
) -> Records {
    let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(0x5eed));
    let year = school_year_of(today);
    let cal = super::demo_calendar(today);
    let last_day = cal.school_day_on_or_before(today);
    let primary_of = |town: &str| {
        schools
            .iter()
            .find(|s| s.township_code == town && s.kind == SchoolKind::Primary)
    };
    let mut out = Records::default();
    let person = |rng: &mut ChaCha8Rng, role| ResponsiblePerson {
        name: format!(
            "{}{}",
            names::SURNAMES.choose(rng).copied().unwrap_or("张"),
            names::adult_given(rng)
        ),
        role,
        phone: format!("139{:08}", rng.random_range(0..100_000_000u32)),
    };

    for c in children.iter_mut() {
        // Where the child was last school year.
        if let Some(g) = c.grade.filter(|g| *g > 1) {
            let school = c
                .school_id
                .and_then(|id| schools.iter().find(|s| s.id == id));
            let prev_school = match school {
                Some(s) if s.kind.grades().contains(&(g - 1)) => Some(s.id),
                Some(s) => primary_of(&s.township_code).map(|p| p.id),
                None => None,
            };
            c.previous_year = Some(PreviousYear {
                school_year: year - 1,
                school_id: prev_school.or(c.school_id),
                grade: Some(g - 1),
            });
        }
        // 小升初 leak: finished grade 6, "graduated", enrolled in no junior school.
        if c.grade == Some(7) && c.status == Status::InSchool && rng.random_bool(0.004) {
            let town = c.residence.township_code.clone().unwrap_or_default();
            if let Some(p) = primary_of(&town) {
                c.grade = Some(6);
                c.school_id = Some(p.id);
                c.status = Status::Graduated;
                c.previous_year = Some(PreviousYear {
                    school_year: year - 1,
                    school_id: Some(p.id),
                    grade: Some(6),
                });
            }
        }
    }

    let mut serial = 0;
    for c in children.iter_mut() {
        match c.status {
            Status::SuspectedDropout => {
                let sid = uuid(&mut rng);
                let kind = rng.random_range(0..100);
                let (trigger, flagged_on) = if kind < 65 {
                    let days = rng
                        .random_range(settings.absence_threshold..=settings.absence_threshold + 2);
                    let end = days_back(&cal, last_day, rng.random_range(0..8));
                    let mut d = end;
                    for _ in 0..days {
                        out.absences.push(Absence {
                            child_id: c.id,
                            date: d,
                            kind: AbsenceKind::Unexcused,
                            reason: String::new(),
                            recorded_by: "班主任".into(),
                        });
                        d = cal.previous_school_day(d);
                    }
                    (
                        SuspectTrigger::Absence {
                            first_day: days_back(&cal, end, days - 1),
                            last_day: end,
                            days,
                        },
                        end,
                    )
                } else if kind < 75
                    && (today - NaiveDate::from_ymd_opt(year, 9, 1).unwrap_or(today)).num_days()
                        < 30
                {
                    let d = NaiveDate::from_ymd_opt(year, 9, 1).unwrap_or(today);
                    out.absences.push(Absence {
                        child_id: c.id,
                        date: d,
                        kind: AbsenceKind::NotReported,
                        reason: "开学未报到".into(),
                        recorded_by: "班主任".into(),
                    });
                    (SuspectTrigger::NotReported { date: d }, d)
                } else if kind < 88 {
                    let d = days_back(&cal, last_day, rng.random_range(1..15));
                    (
                        SuspectTrigger::Manual {
                            reason: "家长反映孩子不愿上学".into(),
                        },
                        d,
                    )
                } else {
                    let tid = uuid(&mut rng);
                    let d = today - Duration::days(rng.random_range(20..60));
                    let to = format!(
                        "{}第{}中学",
                        ["长沙市", "广州市", "吉首市", "怀化市"]
                            .choose(&mut rng)
                            .copied()
                            .unwrap_or("长沙市"),
                        names::ordinal(rng.random_range(1..9))
                    );
                    out.transfers.push(Transfer {
                        id: tid,
                        child_id: c.id,
                        date: d,
                        from_school: c.school_id,
                        to_school: to.clone(),
                        confirmed_on: None,
                        recorded_by: "学籍管理员".into(),
                    });
                    (
                        SuspectTrigger::TransferUnconfirmed {
                            transfer_id: tid,
                            date: d,
                            to_school: to,
                        },
                        d + Duration::days(16),
                    )
                };
                out.suspects.push(Suspect {
                    id: sid,
                    child_id: c.id,
                    trigger,
                    flagged_on: flagged_on.min(today),
                    flagged_by: "班主任".into(),
                    previous_status: Status::InSchool,
                    verification: None,
                });
            }
            Status::Dropout => {
                let opened = today - Duration::days(rng.random_range(10..200));
                let sid = uuid(&mut rng);
                out.suspects.push(verified_suspect(
                    &cal,
                    sid,
                    c.id,
                    4,
                    opened,
                    vec![VerifyMethod::Phone, VerifyMethod::HomeVisit],
                    Verdict::Confirmed,
                    "入户核实，学生未返校",
                ));
                let mut case = DropoutCase {
                    id: uuid(&mut rng),
                    child_id: c.id,
                    suspect_id: sid,
                    opened_on: opened,
                    left_on: opened - Duration::days(7),
                    cause: *[
                        DropoutCause::Learning,
                        DropoutCause::Learning,
                        DropoutCause::Work,
                        DropoutCause::Poverty,
                        DropoutCause::ParentAttitude,
                        DropoutCause::Internet,
                        DropoutCause::Illness,
                        DropoutCause::EarlyMarriage,
                    ]
                    .choose(&mut rng)
                    .unwrap_or(&DropoutCause::Other),
                    cause_note: String::new(),
                    responsible: vec![
                        person(&mut rng, ResponsibleRole::TownshipCadre),
                        person(&mut rng, ResponsibleRole::VillageCadre),
                        person(&mut rng, ResponsibleRole::Teacher),
                    ],
                    deadline: opened + Duration::days(i64::from(settings.case_deadline_days)),
                    support: vec![SupportMeasure::TwoExemptions, SupportMeasure::Counselling],
                    attempts: Vec::new(),
                    legal_steps: Vec::new(),
                    closure: None,
                    history: Vec::new(),
                };
                let n = rng.random_range(0..5u32);
                for i in 0..n {
                    let d = opened + Duration::days(i64::from(3 + i * 9));
                    if d > today {
                        break;
                    }
                    case.attempts.push(ReturnAttempt {
                        date: d,
                        way: *[
                            AttemptWay::HomeVisit,
                            AttemptWay::Phone,
                            AttemptWay::Interview,
                        ]
                        .choose(&mut rng)
                        .unwrap_or(&AttemptWay::HomeVisit),
                        persons: case
                            .responsible
                            .iter()
                            .take(2)
                            .map(|p| p.name.clone())
                            .collect::<Vec<_>>()
                            .join("、"),
                        guardian_said: [
                            "孩子不想读书，在家帮忙",
                            "等过完这个月再说",
                            "孩子在外打工，联系不上",
                            "同意做孩子工作",
                        ]
                        .choose(&mut rng)
                        .copied()
                        .unwrap_or("")
                        .into(),
                        result: *[
                            AttemptResult::Refused,
                            AttemptResult::Considering,
                            AttemptResult::Unreachable,
                        ]
                        .choose(&mut rng)
                        .unwrap_or(&AttemptResult::Refused),
                        recorded_by: "包保干部".into(),
                    });
                }
                if n >= 3 {
                    let base = opened + Duration::days(30);
                    for (k, kind) in [
                        LegalStepKind::HomeVisit,
                        LegalStepKind::OrderToCorrect,
                        LegalStepKind::ReturnNotice,
                    ]
                    .into_iter()
                    .enumerate()
                    {
                        let d = base + Duration::days(7 * k as i64);
                        if d > today {
                            break;
                        }
                        let (serial_no, deadline) = if kind == LegalStepKind::ReturnNotice {
                            serial += 1;
                            (
                                Some(format!(
                                    "{}〔{}〕{}号",
                                    settings.notice_prefix,
                                    chrono::Datelike::year(&d),
                                    serial
                                )),
                                Some(d + Duration::days(i64::from(settings.notice_deadline_days))),
                            )
                        } else {
                            (None, None)
                        };
                        case.legal_steps.push(LegalStep {
                            kind,
                            date: d,
                            issuer: "乡镇人民政府".into(),
                            note: String::new(),
                            serial: serial_no,
                            deadline,
                            recorded_by: "包保干部".into(),
                        });
                    }
                }
                out.cases.push(case);
            }
            Status::StudyingElsewhere if rng.random_bool(0.03) => {
                // Transferred out, the receiving school has not confirmed yet.
                let d = today - Duration::days(rng.random_range(5..50));
                let to = format!(
                    "{}第{}小学",
                    ["长沙市", "广州市", "深圳市", "怀化市"]
                        .choose(&mut rng)
                        .copied()
                        .unwrap_or("长沙市"),
                    names::ordinal(rng.random_range(1..9))
                );
                out.transfers.push(Transfer {
                    id: uuid(&mut rng),
                    child_id: c.id,
                    date: d,
                    from_school: c.school_id,
                    to_school: to,
                    confirmed_on: None,
                    recorded_by: "学籍管理员".into(),
                });
            }
            Status::HomeTeaching => {
                let started = today - Duration::days(rng.random_range(30..300));
                let interval = *[7u32, 14].choose(&mut rng).unwrap_or(&7);
                let teacher = format!("{}老师", TEACHERS.choose(&mut rng).copied().unwrap_or("张"));
                let mut visits = Vec::new();
                let mut d = started + Duration::days(i64::from(interval));
                // Most plans are kept; a few fall behind.
                let stop = if rng.random_bool(0.15) {
                    today - Duration::days(i64::from(interval) * 3)
                } else {
                    today
                };
                while d <= stop {
                    visits.push(HomeVisit {
                        date: d,
                        teacher: teacher.clone(),
                        hours: 2.0,
                        content: "生活自理与康复训练、识字".into(),
                    });
                    d += Duration::days(i64::from(interval));
                }
                out.plans.push(HomeTeachingPlan {
                    child_id: c.id,
                    teacher,
                    interval_days: interval,
                    started_on: started,
                    visits,
                });
            }
            _ => {}
        }
    }

    // Verified history: returned children (closed cases, some still watched, one absent again)
    // and suspects found not to be real dropouts — about 153 : 94, as in Pingdu.
    let dropouts = out.cases.len().max(10);
    let mut returned = 0;
    let mut not_real = 0;
    let mut absent_again = 0;
    for c in children
        .iter_mut()
        .filter(|c| c.status == Status::InSchool && c.grade.is_some_and(|g| g >= 5))
    {
        if returned < dropouts * 2 / 3 && rng.random_bool(0.01) {
            returned += 1;
            let closed = today - Duration::days(rng.random_range(5..300));
            let opened = closed - Duration::days(rng.random_range(20..60));
            let sid = uuid(&mut rng);
            out.suspects.push(verified_suspect(
                &cal,
                sid,
                c.id,
                3,
                opened,
                vec![VerifyMethod::HomeVisit],
                Verdict::Confirmed,
                "入户核实",
            ));
            let responsible = vec![
                person(&mut rng, ResponsibleRole::TownshipCadre),
                person(&mut rng, ResponsibleRole::Teacher),
            ];
            let names = responsible
                .iter()
                .map(|p| p.name.clone())
                .collect::<Vec<_>>()
                .join("、");
            out.cases.push(DropoutCase {
                id: uuid(&mut rng),
                child_id: c.id,
                suspect_id: sid,
                opened_on: opened,
                left_on: opened - Duration::days(5),
                cause: DropoutCause::Learning,
                cause_note: String::new(),
                responsible,
                deadline: opened + Duration::days(30),
                support: vec![SupportMeasure::Counselling],
                attempts: vec![
                    ReturnAttempt {
                        date: opened + Duration::days(2),
                        way: AttemptWay::HomeVisit,
                        persons: names.clone(),
                        guardian_said: "孩子说跟不上课".into(),
                        result: AttemptResult::Considering,
                        recorded_by: "包保干部".into(),
                    },
                    ReturnAttempt {
                        date: closed - Duration::days(1),
                        way: AttemptWay::HomeVisit,
                        persons: names,
                        guardian_said: "同意送孩子回校".into(),
                        result: AttemptResult::Agreed,
                        recorded_by: "包保干部".into(),
                    },
                ],
                legal_steps: Vec::new(),
                closure: Some(Closure {
                    date: closed,
                    outcome: ClosureOutcome::Returned {
                        school_id: c.school_id.unwrap_or_default(),
                        grade: c.grade.unwrap_or(7),
                        class_name: c.class_name.clone(),
                        date: closed,
                    },
                    evidence: "学校出具复学证明".into(),
                    by: "县控辍办".into(),
                }),
                history: Vec::new(),
            });
            let watched = today - closed <= Duration::days(i64::from(settings.watch_days));
            if watched && absent_again < 2 {
                absent_again += 1;
                out.absences.push(Absence {
                    child_id: c.id,
                    date: last_day,
                    kind: AbsenceKind::Unexcused,
                    reason: String::new(),
                    recorded_by: "班主任".into(),
                });
            }
        } else if not_real < dropouts * 2 / 5 && rng.random_bool(0.006) {
            not_real += 1;
            let d = today - Duration::days(rng.random_range(5..200));
            out.suspects.push(verified_suspect(
                &cal,
                uuid(&mut rng),
                c.id,
                3,
                d,
                vec![VerifyMethod::Phone],
                Verdict::NotReal {
                    reason: NotRealReason::AlreadyBack,
                    school: String::new(),
                },
                "电话核实，已返校上课",
            ));
        }
    }
    out
}
