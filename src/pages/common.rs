//! Small helpers shared by the casework pages.

use baoxue_core::casework::Actor;
use baoxue_core::ledger::Ledger;
use baoxue_core::model::{grade_and_class, Lang};
use chrono::NaiveDate;
use uuid::Uuid;

use crate::i18n::{fill, text};
use crate::state::{Language, Ledgers, Office};
use baoxue_core::model::Localized;

/// A date typed as 2026-11-23.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// Name, school and grade of a child, for lists.
pub fn child_line(l: &Ledger, id: Uuid, lang: Lang) -> (String, String, String) {
    match l.child(id) {
        Some(c) => (
            c.name.clone(),
            l.names_for(c).school,
            c.grade
                .map(|g| grade_and_class(g, &c.class_name, lang))
                .unwrap_or_default(),
        ),
        None => (text(lang).deleted.to_string(), String::new(), String::new()),
    }
}

/// Runs a casework operation as the office's operator, now, and commits what it returns;
/// a refusal is said in the interface's language.
pub async fn run<F, E>(
    ledgers: Ledgers,
    office: Office,
    language: Language,
    op: F,
) -> Result<(), String>
where
    F: FnOnce(
        &Ledger,
        &baoxue_core::casework::Casebook,
        &Actor,
    ) -> Result<baoxue_core::casework::ChangeSet, E>,
    E: baoxue_core::model::Localized,
{
    let name = office.operator();
    let actor = Actor {
        name: &name,
        now: chrono::Local::now().naive_local(),
    };
    let set = ledgers
        .ledger
        .with_untracked(|l| ledgers.casebook.with_untracked(|b| op(l, b, &actor)))
        .map_err(|e| e.say(language.get_untracked()))?;
    ledgers
        .commit(set)
        .await
        .map_err(|e| e.say(language.get_untracked()))
}

/// Reads every chosen file of an `<input type=file multiple>`, with their names.
pub async fn read_files(input_id: &str, lang: Lang) -> Result<Vec<(String, Vec<u8>)>, String> {
    use wasm_bindgen::JsCast;
    let input: web_sys::HtmlInputElement = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(input_id))
        .and_then(|e| e.dyn_into().ok())
        .ok_or(text(lang).file_picker_missing)?;
    let mut out = Vec::new();
    let Some(list) = input.files() else {
        return Ok(out);
    };
    for i in 0..list.length() {
        let Some(file) = list.get(i) else { continue };
        let buf = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
            .await
            .map_err(|e| {
                fill(
                    text(lang).file_unreadable,
                    &[&file.name(), &format!("{e:?}")],
                )
            })?;
        out.push((file.name(), js_sys::Uint8Array::new(&buf).to_vec()));
    }
    Ok(out)
}

/// Reads the first chosen file of an `<input type=file>`; `none_chosen` says what to choose.
pub async fn read_file(
    input_id: &str,
    none_chosen: &str,
    lang: Lang,
) -> Result<(String, Vec<u8>), String> {
    read_files(input_id, lang)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| none_chosen.to_string())
}
