//! Saving a file the user asked for: the only way children's data leaves the browser.

use baoxue_core::export::{to_csv, to_xlsx, Table};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::i18n::text;
use crate::state::{Language, Notices, Office};

/// Offers bytes as a download named `name`.
/// A file name from a title: characters no file system takes become "_".
pub fn safe_file_name(stem: &str, ext: &str) -> String {
    let stem: String = stem
        .chars()
        .map(|c| if r#"\/:*?"<>|"#.contains(c) { '_' } else { c })
        .collect();
    format!("{stem}.{ext}")
}

pub fn save_file(name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    // Too rare to thread the language through every caller: the remembered one says it.
    let fail = |e: wasm_bindgen::JsValue| {
        crate::i18n::fill(
            crate::i18n::text(crate::browser::saved_lang()).save_failed,
            &[&format!("{e:?}")],
        )
    };
    let array = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes).into());
    let props = web_sys::BlobPropertyBag::new();
    props.set_type(mime);
    let blob =
        web_sys::Blob::new_with_u8_array_sequence_and_options(&array, &props).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(fail)?
        .dyn_into()
        .map_err(|_| "no anchor".to_string())?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// "导出Excel" and "导出CSV" buttons for a table built on click.
#[component]
pub fn ExportButtons(
    /// Builds the table when a button is pressed (tables of 200,000 rows are not kept).
    table: impl Fn() -> Table + Send + Sync + Copy + 'static,
    /// Id prefix for the buttons.
    id: &'static str,
    /// The print view of this ledger, if it has one.
    #[prop(optional)]
    print: Option<crate::route::Route>,
) -> impl IntoView {
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let office = expect_context::<Office>();
    let stamp = || chrono::Local::now().naive_local();
    let xlsx = move |_| {
        let t = table();
        let now = stamp();
        let subtitle = format!(
            "导出时间：{}　共{}条　导出人：{}",
            now.format("%Y-%m-%d %H:%M"),
            t.rows.len(),
            office.operator()
        );
        match to_xlsx(&t, &subtitle, now)
            .map_err(|e| e.to_string())
            .and_then(|b| {
                save_file(
                    &format!("{}_{}.xlsx", t.title, now.format("%Y%m%d")),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    &b,
                )
            }) {
            Ok(()) => {}
            Err(e) => notices.error(e),
        }
    };
    let csv = move |_| {
        let t = table();
        let now = stamp();
        if let Err(e) = save_file(
            &format!("{}_{}.csv", t.title, now.format("%Y%m%d")),
            "text/csv;charset=utf-8",
            &to_csv(&t),
        ) {
            notices.error(e);
        }
    };
    view! {
        <span class="export">
            <button id=format!("{id}-xlsx") on:click=xlsx>{move || text(language.get()).export_xlsx}</button>
            <button id=format!("{id}-csv") on:click=csv>{move || text(language.get()).export_csv}</button>
            {print.map(|r| view! { <a class="button" id=format!("{id}-print") href=r.href()>{move || text(language.get()).print}</a> })}
        </span>
    }
}
