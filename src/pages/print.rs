//! A ledger laid out for A4 paper: unit, title, date, the table, page numbers, and the
//! signature and stamp area officials expect.

use baoxue_core::export::{cases_table, children_table, suspects_table, Cell, Table};
use leptos::prelude::*;

use crate::i18n::{fill, text};

use crate::route::{PrintLedger, Route};
use crate::state::{Language, Ledgers, Office};

/// Rows beyond this are not laid out on paper: filter the list first.
const MAX_ROWS: usize = 3_000;

/// Columns that are printed (the export has more than a page is wide).
fn printed(ledger: PrintLedger) -> &'static [&'static str] {
    match ledger {
        PrintLedger::Children => &[
            "序号",
            "姓名",
            "性别",
            "身份证号",
            "出生日期",
            "乡镇",
            "学校",
            "年级",
            "班级",
            "就学状态",
            "重点群体",
            "监护人",
            "监护人电话",
        ],
        PrintLedger::Suspects => &[
            "序号",
            "姓名",
            "学校",
            "年级",
            "列入原因",
            "列入日期",
            "核查日期",
            "核查结论",
            "非真实辍学原因",
        ],
        PrintLedger::Cases => &[
            "序号",
            "姓名",
            "学校",
            "年级",
            "辍学时间",
            "辍学原因",
            "包保责任人",
            "劝返时限",
            "劝返次数",
            "台账状态",
            "销号情形",
        ],
    }
}

fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Text(s) => s.clone(),
        Cell::Date(d) => d.to_string(),
        Cell::Number(n) => format!("{n}"),
        Cell::Empty => String::new(),
    }
}

#[component]
pub fn PrintPage(ledger: PrintLedger) -> impl IntoView {
    let language = expect_context::<Language>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let t = move || text(language.get());
    let unit = office
        .installation
        .with_untracked(|i| {
            i.as_ref()
                .map(|i| (i.unit_name(), i.short_name().to_string()))
        })
        .unwrap_or_default();
    let (title, back) = match ledger {
        PrintLedger::Children => (format!("{}适龄儿童台账", unit.1), Route::Children),
        PrintLedger::Suspects => (format!("{}疑似辍学学生台账", unit.1), Route::Suspects),
        PrintLedger::Cases => (format!("{}辍学学生台账（一人一案）", unit.1), Route::Cases),
    };
    let table: Table = ledgers.with_cases(|l, b| match ledger {
        PrintLedger::Children => {
            let hits = l.query(&ledgers.filters.query_untracked());
            children_table(l, &hits[..hits.len().min(MAX_ROWS + 1)], &title)
        }
        PrintLedger::Suspects => suspects_table(l, b, &title),
        PrintLedger::Cases => cases_table(l, b, &title),
    });
    let keep: Vec<usize> = printed(ledger)
        .iter()
        .filter_map(|h| table.columns.iter().position(|c| c.0 == *h))
        .collect();
    let too_many = table.rows.len() > MAX_ROWS;
    let today = crate::browser::today();
    crate::components::print_doc::mark_print_document();
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <div class="no-print actions notice-tools">
            <a class="button" href=back.href()>{move || t().print_back}</a>
            <button class="primary" id="do-print" on:click=print>{move || t().print_do}</button>
            {too_many.then(|| view! { <span class="warning">{move || fill(t().print_first_rows, &[&MAX_ROWS.to_string()])}</span> })}
        </div>
        <article class="print-ledger" id="print-ledger">
            <header>
                <h1>{title.clone()}</h1>
                <p>{format!("填报单位：{}　　　制表日期：{}　　　共{}条", unit.0, today.format("%Y年%-m月%-d日"), table.rows.len().min(MAX_ROWS))}</p>
            </header>
            <table class="grid print-table">
                <thead><tr>{keep.iter().map(|i| view! { <th>{table.columns[*i].0}</th> }).collect_view()}</tr></thead>
                <tbody>
                    {table.rows.iter().take(MAX_ROWS).map(|r| view! {
                        <tr>{keep.iter().map(|i| view! { <td>{cell_text(&r[*i])}</td> }).collect_view()}</tr>
                    }).collect_view()}
                </tbody>
            </table>
            <footer class="sign-area">
                <span>"填表人：__________"</span>
                <span>"审核人：__________"</span>
                <span>"单位负责人：__________"</span>
                <span>"（单位盖章）"</span>
            </footer>
        </article>
    }
}
