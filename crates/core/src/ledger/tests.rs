use chrono::NaiveDate;

use super::chunk::{decode_chunk, encode_chunk, ChunkError, CHUNK_FORMAT};
use super::query::{ChildQuery, SortKey};
use super::*;
use crate::demo::{generate, DemoParams};
use crate::divisions::DivisionTable;
use crate::model::{AuditAction, Child, NoIdReason};
use crate::rules::id_number::IdNumber;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn ledger(n: usize) -> Ledger {
    let table = DivisionTable::parse(include_str!("../../../../public/divisions.tsv")).unwrap();
    let mut p = DemoParams::new(today());
    p.children = n;
    let c = generate(&p, &table).unwrap();
    Ledger::new(c.schools, &c.installation.townships, c.children)
}

fn now() -> chrono::NaiveDateTime {
    today().and_hms_opt(10, 30, 0).unwrap()
}

#[test]
fn chunks_round_trip_and_reject_unknown_versions() {
    let l = ledger(1_500);
    let chunks = l.encode_all().unwrap();
    assert_eq!(chunks.len(), 2);
    let back: Vec<_> = chunks
        .iter()
        .flat_map(|(_, b)| decode_chunk(b).unwrap())
        .collect();
    assert_eq!(back, l.children());
    let mut bad = chunks[0].1.clone();
    bad[0] = CHUNK_FORMAT + 1;
    assert_eq!(
        decode_chunk(&bad),
        Err(ChunkError::UnknownFormat(CHUNK_FORMAT + 1))
    );
    assert!(matches!(
        decode_chunk(&chunks[0].1[..100]),
        Err(ChunkError::Corrupt(_))
    ));
    assert_eq!(decode_chunk(&[]), Err(ChunkError::Empty));
    assert_eq!(decode_chunk(&encode_chunk(&[]).unwrap()).unwrap(), vec![]);
}

#[test]
fn chunks_of_format_1_still_decode() {
    let l = ledger(20);
    let v1: Vec<super::chunk::ChildV1> = l
        .children()
        .iter()
        .map(|c| super::chunk::ChildV1 {
            id: c.id,
            id_number: c.id_number.clone(),
            no_id_reason: c.no_id_reason,
            name: c.name.clone(),
            sex: c.sex,
            birth_date: c.birth_date,
            ethnicity: c.ethnicity.clone(),
            hukou: c.hukou.clone(),
            residence: c.residence.clone(),
            guardian: c.guardian.clone(),
            parents_away: c.parents_away,
            student_number: c.student_number.clone(),
            school_id: c.school_id,
            grade: c.grade,
            class_name: c.class_name.clone(),
            status: c.status,
            groups: c.groups.clone(),
            disability: c.disability,
            note: c.note.clone(),
            revision: c.revision,
            updated_at: c.updated_at,
        })
        .collect();
    let bytes = postcard::to_extend(&v1, vec![1u8]).unwrap();
    let back = decode_chunk(&bytes).unwrap();
    assert_eq!(back.len(), 20);
    for (b, c) in back.iter().zip(l.children()) {
        assert_eq!(b.previous_year, None);
        assert_eq!(
            Child {
                previous_year: None,
                roll: None,
                ..c.clone()
            },
            *b
        );
    }
}

#[test]
fn filters_combine_and_search_finds_names_ids_and_student_numbers() {
    let l = ledger(3_000);
    let all = l.query(&ChildQuery::default());
    assert_eq!(all.len(), 3_000);

    let q = ChildQuery {
        status: Some(Status::SuspectedDropout),
        stage: Some(Stage::Junior),
        ..Default::default()
    };
    let hits = l.query(&q);
    assert!(!hits.is_empty());
    for i in &hits {
        let c = &l.children()[*i as usize];
        assert_eq!(c.status, Status::SuspectedDropout);
        assert!(c.grade.unwrap() >= 7);
    }
    let expected = l
        .children()
        .iter()
        .filter(|c| c.status == Status::SuspectedDropout && c.stage() == Some(Stage::Junior))
        .count();
    assert_eq!(hits.len(), expected);

    let someone = l
        .children()
        .iter()
        .find(|c| c.id_number.is_some() && c.student_number.is_some())
        .unwrap();
    let id = someone.id_number.as_ref().unwrap().to_string();
    let by_id = l.query(&ChildQuery {
        text: id[10..].to_lowercase(),
        ..Default::default()
    });
    assert!(by_id
        .iter()
        .any(|i| l.children()[*i as usize].id == someone.id));
    let by_name = l.query(&ChildQuery {
        text: someone.name.clone(),
        ..Default::default()
    });
    assert!(by_name
        .iter()
        .all(|i| l.children()[*i as usize].name.contains(&someone.name)));
    let sn = someone.student_number.clone().unwrap();
    let by_sn = l.query(&ChildQuery {
        text: sn.to_lowercase(),
        ..Default::default()
    });
    assert_eq!(by_sn.len(), 1);

    let town = l.schools()[3].township_code.clone();
    let in_town = l.query(&ChildQuery {
        township: Some(town.clone()),
        ..Default::default()
    });
    assert!(in_town
        .iter()
        .all(|i| l.township_of(&l.children()[*i as usize]) == Some(town.as_str())));
}

#[test]
fn sorting_orders_by_the_chosen_column_both_ways() {
    let l = ledger(2_000);
    let q = ChildQuery {
        sort: SortKey::BirthDate,
        ..Default::default()
    };
    let asc = l.query(&q);
    let dates: Vec<_> = asc
        .iter()
        .map(|i| l.children()[*i as usize].birth_date)
        .collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]));
    let desc = l.query(&ChildQuery {
        descending: true,
        ..q
    });
    assert_eq!(desc.first(), asc.last());
    // The ledger order keeps children without a school after the schools of their township.
    let ledger_order = l.query(&ChildQuery::default());
    let mut seen_schoolless = std::collections::HashSet::new();
    for i in &ledger_order {
        let c = &l.children()[*i as usize];
        let town = l.township_of(c).map(str::to_owned);
        if c.school_id.is_none() {
            seen_schoolless.insert(town);
        } else {
            assert!(
                !seen_schoolless.contains(&town),
                "a school child after the schoolless of its township"
            );
        }
    }
}

#[test]
fn names_sort_by_pinyin_in_the_name_column_and_within_a_class() {
    use crate::rules::name_order::name_key;
    let l = ledger(2_000);
    let names = |hits: &[u32]| -> Vec<String> {
        hits.iter()
            .map(|i| l.children()[*i as usize].name.clone())
            .collect()
    };
    let by_name = names(&l.query(&ChildQuery {
        sort: SortKey::Name,
        ..Default::default()
    }));
    assert!(by_name
        .windows(2)
        .all(|w| name_key(&w[0]) <= name_key(&w[1])));
    // Not the characters' code points: a 周 comes after a 唐.
    let at = |s: &str| by_name.iter().position(|n| n.starts_with(s));
    if let (Some(zhou), Some(tang)) = (at("周"), at("唐")) {
        assert!(tang < zhou);
    }
    // In ledger order, one class's children go by pinyin too.
    let order = l.query(&ChildQuery::default());
    for w in order.windows(2) {
        let (a, b) = (&l.children()[w[0] as usize], &l.children()[w[1] as usize]);
        if a.school_id.is_some()
            && (a.school_id, a.grade, &a.class_name) == (b.school_id, b.grade, &b.class_name)
        {
            assert!(
                name_key(&a.name) <= name_key(&b.name),
                "{} {}",
                a.name,
                b.name
            );
        }
    }
}

#[test]
fn paging_slices_the_result() {
    let l = ledger(130);
    let hits = l.query(&ChildQuery::default());
    assert_eq!(l.page(&hits, 0, 50).len(), 50);
    assert_eq!(l.page(&hits, 2, 50).len(), 30);
    assert!(l.page(&hits, 3, 50).is_empty());
}

#[test]
fn a_new_child_is_checked_saved_into_the_last_chunk_and_audited() {
    let mut l = ledger(1_000);
    let mut c = l.children()[0].clone();
    c.id = uuid::Uuid::new_v4();
    c.id_number = Some(IdNumber::parse("433122201509010018").unwrap_or_else(|_| {
        IdNumber::compose("433122", NaiveDate::from_ymd_opt(2015, 9, 1).unwrap(), 1).unwrap()
    }));
    c.birth_date = c.id_number.as_ref().unwrap().birth_date();
    c.sex = c.id_number.as_ref().unwrap().sex();
    c.student_number = Some(format!("G{}", c.id_number.as_ref().unwrap()));
    c.revision = 0;
    let p = l.prepare_save(c.clone(), "李老师", now()).unwrap();
    assert_eq!(p.chunk_no, 1, "the 1,001st child opens a second chunk");
    assert_eq!(decode_chunk(&p.chunk_bytes).unwrap().len(), 1);
    assert_eq!(p.audit.action, AuditAction::Create);
    assert_eq!(p.audit.operator, "李老师");
    assert!(p
        .audit
        .changes
        .iter()
        .any(|ch| ch.field == "姓名" && ch.after == c.name));
    l.apply(p);
    assert_eq!(l.len(), 1_001);
    assert_eq!(l.child(c.id).unwrap().revision, 1);

    // The same ID number again is refused, with the holder named.
    let mut twin = c.clone();
    twin.id = uuid::Uuid::new_v4();
    twin.student_number = None;
    twin.revision = 0;
    match l.prepare_save(twin, "李老师", now()) {
        Err(SaveError::Invalid(p)) => assert!(
            matches!(&p[0], ChildProblem::DuplicateIdNumber(_, who) if who.contains(&c.name))
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn edits_are_diffed_checked_and_stale_copies_refused() {
    let mut l = ledger(500);
    let original = l.children()[10].clone();
    let mut edited = original.clone();
    edited.class_name = "9班".into();
    edited.guardian.phone = "0743-4221234".into();
    let p = l.prepare_save(edited.clone(), "王主任", now()).unwrap();
    assert_eq!(p.audit.action, AuditAction::Update);
    let fields: Vec<_> = p.audit.changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["监护人电话", "班级"]);
    l.apply(p);
    // Saving from the copy edited before that save is refused.
    assert!(matches!(
        l.prepare_save(edited, "王主任", now()),
        Err(SaveError::Stale {
            current: 2,
            edited: 1
        })
    ));

    // A dropout needs verification first; a child without ID needs a reason.
    let mut c = l.child(original.id).unwrap().clone();
    if c.status != Status::SuspectedDropout {
        c.status = Status::Dropout;
        assert!(
            matches!(l.prepare_save(c.clone(), "x", now()), Err(SaveError::Invalid(p)) if p.contains(&ChildProblem::Status(crate::model::StatusChangeError::NeedsVerification)))
        );
    }
    let mut c = l.child(original.id).unwrap().clone();
    c.id_number = None;
    c.no_id_reason = None;
    assert!(
        matches!(l.prepare_save(c.clone(), "x", now()), Err(SaveError::Invalid(p)) if p.contains(&ChildProblem::NoIdWithoutReason))
    );
    c.no_id_reason = Some(NoIdReason::NoHukou);
    assert!(l.prepare_save(c, "x", now()).is_ok());
}

#[test]
fn a_birth_date_that_disagrees_with_the_id_is_a_warning_not_a_block() {
    let l = ledger(100);
    let mut c = l
        .children()
        .iter()
        .find(|c| c.id_number.is_some())
        .unwrap()
        .clone();
    c.birth_date = c.birth_date.succ_opt().unwrap();
    let p = l.prepare_save(c, "x", now()).unwrap();
    assert!(matches!(
        p.warnings.as_slice(),
        [ChildProblem::BirthDateDisagrees { .. }]
    ));
}

#[test]
fn summary_counts_every_child_once() {
    let l = ledger(2_000);
    let s = l.summary();
    assert_eq!(s.total, 2_000);
    assert_eq!(s.by_status.iter().map(|x| x.1).sum::<usize>(), 2_000);
    assert_eq!(
        s.enrolled,
        l.children()
            .iter()
            .filter(|c| c.status.counts_as_enrolled())
            .count()
    );
}
