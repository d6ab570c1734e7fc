//! The division table, fetched once from `divisions.tsv` beside the app and kept in memory.

use std::cell::RefCell;
use std::sync::Arc;

use baoxue_core::divisions::DivisionTable;
use baoxue_core::model::Localized;
use wasm_bindgen::JsCast;

use crate::browser::saved_lang;
use crate::i18n::{fill, text, Text};
use wasm_bindgen_futures::JsFuture;

thread_local! {
    static TABLE: RefCell<Option<Arc<DivisionTable>>> = const { RefCell::new(None) };
}

/// The language the table's rare failures are said in: the one the user last chose.
fn t() -> &'static Text {
    text(saved_lang())
}

/// The table, fetched on first use.
pub async fn table() -> Result<Arc<DivisionTable>, String> {
    if let Some(t) = TABLE.with(|t| t.borrow().clone()) {
        return Ok(t);
    }
    let text = match embedded().await {
        Some(t) => t?,
        None => fetch_text("divisions.tsv").await?,
    };
    let table = Arc::new(DivisionTable::parse(&text).map_err(|e| e.say(saved_lang()))?);
    TABLE.with(|t| *t.borrow_mut() = Some(table.clone()));
    Ok(table)
}

/// The one-file build (baoxue.html) carries the table inside itself and offers it through
/// `window.baoxueDivisions()`, since a file:// page cannot fetch.
async fn embedded() -> Option<Result<String, String>> {
    let window = web_sys::window()?;
    let f = js_sys::Reflect::get(&window, &"baoxueDivisions".into()).ok()?;
    let f: js_sys::Function = f.dyn_into().ok()?;
    let fail = |e: wasm_bindgen::JsValue| fill(t().dv_embedded_unreadable, &[&format!("{e:?}")]);
    Some(
        async {
            let promise: js_sys::Promise =
                f.call0(&window).map_err(fail)?.dyn_into().map_err(fail)?;
            JsFuture::from(promise)
                .await
                .map_err(fail)?
                .as_string()
                .ok_or_else(|| t().dv_not_text.to_string())
        }
        .await,
    )
}

async fn fetch_text(url: &str) -> Result<String, String> {
    let fail = |e: wasm_bindgen::JsValue| fill(t().dv_unreadable, &[url, &format!("{e:?}")]);
    let window = web_sys::window().ok_or("no window")?;
    let resp: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(fail)?
        .dyn_into()
        .map_err(fail)?;
    if !resp.ok() {
        return Err(fill(
            t().dv_unreadable,
            &[url, &format!("HTTP {}", resp.status())],
        ));
    }
    JsFuture::from(resp.text().map_err(fail)?)
        .await
        .map_err(fail)?
        .as_string()
        .ok_or_else(|| t().dv_not_text.to_string())
}
