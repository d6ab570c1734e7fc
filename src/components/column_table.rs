//! The columns of a spreadsheet as read — header, a sample, the field each holds — with a
//! choice per column; shared by the cross-check and the 学籍 import.

use baoxue_core::crosscheck::mapping::{ColumnMapping, HeaderField};
use baoxue_core::crosscheck::RawTable;
use baoxue_core::model::{Labelled, Lang};
use leptos::prelude::*;

use crate::i18n::{fill, text};
use crate::state::Language;
use baoxue_core::model::format_count;

/// "名册.xlsx：xlsx，工作表“Sheet1”，表头在第2行，数据1,234行", or in English.
/// `rows`: of the whole table (`table` may be its head).
pub fn table_summary<F>(
    file: &str,
    table: &RawTable,
    rows: usize,
    mapping: &ColumnMapping<F>,
    lang: Lang,
) -> String {
    let t = text(lang);
    let data_rows = rows.saturating_sub(mapping.header_row + 1);
    let sheet = table
        .sheet
        .as_ref()
        .map(|n| fill(t.table_sheet, &[n]))
        .unwrap_or_default();
    fill(
        t.table_summary,
        &[
            file,
            &table.format,
            &sheet,
            &(table.first_line + mapping.header_row).to_string(),
            &format_count(data_rows),
        ],
    )
}

/// The table of columns, each with a select of the fields it can hold.
#[component]
pub fn ColumnTable<F, C, S>(
    /// (column, header, sample, field) for each column, from [`ColumnMapping::preview`].
    columns: C,
    /// Class of each select (tests find the columns by it).
    select_class: &'static str,
    /// Called with the column and the field chosen (`None`: not imported).
    on_change: S,
) -> impl IntoView
where
    F: HeaderField + Labelled + Send + Sync,
    C: Fn() -> Vec<(usize, String, String, Option<F>)> + Send + Sync + 'static,
    S: Fn(usize, Option<F>) + Copy + Send + Sync + 'static,
{
    let language = expect_context::<Language>();
    let t = move || text(language.get());
    view! {
        <div class="table-wrap">
            <table class="grid compact">
                <thead><tr><th>{move || t().cc_column}</th><th>{move || t().cc_sample}</th><th>{move || t().cc_field}</th></tr></thead>
                <tbody>
                    {move || columns().into_iter().map(|(c, header, sample, field)| view! {
                        <tr>
                            <td>{header}</td>
                            <td class="muted">{sample}</td>
                            <td>
                                <select class=select_class data-column=c.to_string() on:change=move |ev| on_change(c, F::from_key(&event_target_value(&ev)))>
                                    <option value="" selected=field.is_none()>{move || t().cc_skip}</option>
                                    {F::ALL.iter().map(|f| {
                                        let f = *f;
                                        view! { <option value=f.key() selected=field == Some(f)>{move || f.label(language.get())}</option> }
                                    }).collect_view()}
                                </select>
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
