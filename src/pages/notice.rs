//! 限期复学通知书: the written notice to a guardian to return the child to school by a
//! deadline, printed on A4 with a receipt slip (回执).

use baoxue_core::model::Labelled;
use leptos::prelude::*;
use uuid::Uuid;

use crate::i18n::text;
use crate::route::Route;
use crate::state::{Language, Ledgers, Office};

/// 2026-11-30 → 2026年11月30日.
fn cn_date(d: chrono::NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

#[component]
pub fn NoticePage(case_id: Uuid, step: usize) -> impl IntoView {
    let language = expect_context::<Language>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let t = move || text(language.get());
    let data = ledgers.with_cases(|l, b| {
        let case = b.case(case_id)?.clone();
        let s = case.legal_steps.get(step)?.clone();
        let child = l.child(case.child_id)?.clone();
        let names = l.names_for(&child);
        Some((case, s, child, names, b.settings.clone()))
    });
    let Some((case, s, child, names, settings)) = data else {
        return view! { <p class="card error">{move || t().child_not_found}</p> }.into_any();
    };
    let issuer = if settings.notice_issuer.trim().is_empty() {
        office.installation.with_untracked(|i| {
            i.as_ref()
                .map(|i| format!("{}教育局", i.short_name()))
                .unwrap_or_default()
        })
    } else {
        settings.notice_issuer.clone()
    };
    let serial = s.serial.clone().unwrap_or_default();
    let deadline = s
        .deadline
        .map(cn_date)
        .unwrap_or_else(|| "____年__月__日".into());
    let school = if names.school.is_empty() {
        "原就读学校".to_string()
    } else {
        names.school.clone()
    };
    let grade = child.grade.map(|g| format!("{g}年级")).unwrap_or_default();
    let guardian = format!(
        "{}（{}）",
        child.guardian.name,
        child.guardian.relation.zh()
    );
    let contacts = case
        .responsible
        .iter()
        .map(|p| format!("{} {}", p.name, p.phone))
        .collect::<Vec<_>>()
        .join("；");
    let id_text = child
        .id_number
        .as_ref()
        .map(|i| format!("，身份证号{i}"))
        .unwrap_or_default();
    crate::components::print_doc::mark_print_document();
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <div class="no-print actions notice-tools">
            <a class="button" href=Route::Case(case_id).href()>{move || t().back_to_list}</a>
            <button class="primary" id="do-print" on:click=print>{move || t().print_notice}</button>
        </div>
        <article class="notice-doc" id="notice">
            <div class="issuer">{issuer.clone()}</div>
            <h1 class="doc-title">"限期复学通知书"</h1>
            <div class="serial">{serial.clone()}</div>
            <p class="to">{guardian.clone()}"："</p>
            <p>"　　你的子女（被监护人）"<u>{child.name.clone()}</u>"，"{child.sex.zh()}"，"{cn_date(child.birth_date)}"出生"{id_text}"，原就读于"<u>{school.clone()}</u>{grade.clone()}"，自"{cn_date(case.left_on)}"起未到校上学。"{baoxue_core::casework::persuasion_phrase(case.attempts.len())}"，至今仍未返校。"</p>
            <p>"　　《中华人民共和国义务教育法》第五条规定：“适龄儿童、少年的父母或者其他法定监护人应当依法保证其按时入学接受并完成义务教育。”第五十八条规定：“适龄儿童、少年的父母或者其他法定监护人无正当理由未依照本法规定送适龄儿童、少年入学接受义务教育的，由当地乡镇人民政府或者县级人民政府教育行政部门给予批评教育，责令限期改正。”《中华人民共和国未成年人保护法》第十六条规定，父母或者其他监护人应当尊重未成年人受教育的权利，保障适龄未成年人依法接受并完成义务教育。"</p>
            <p>"　　现责令你务必于"<strong class="deadline">{deadline.clone()}</strong>"前，送"<u>{child.name.clone()}</u>"到"<u>{school.clone()}</u>"报到复学。逾期仍不送子女复学的，将依法追究监护人的法律责任。"</p>
            <p>"　　联系人："{contacts}</p>
            <div class="sign">
                <div>{issuer.clone()}"（盖章）"</div>
                <div>{cn_date(s.date)}</div>
                <div class="stamp">"（印章）"</div>
            </div>
            <div class="cut">"✂ - - - - - - - - - - - - - - 沿此线剪开，回执由送达人带回存档 - - - - - - - - - - - - - -"</div>
            <h2 class="doc-title small">"回　执"</h2>
            <p>{issuer.clone()}"："</p>
            <p>"　　限期复学通知书（"{serial.clone()}"）已收到。我保证于"{deadline}"前送"{child.name.clone()}"到"{school}"复学。"</p>
            <div class="receipt-sign">
                <span>"监护人（签字）：__________"</span>
                <span>"送达人（签字）：__________"</span>
                <span>"签收日期：____年__月__日"</span>
            </div>
        </article>
    }
    .into_any()
}
