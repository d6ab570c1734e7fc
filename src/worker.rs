//! The page's worker, for work that takes seconds while the page must keep drawing: reading
//! a 200,000-row xlsx, and decrypting a backup or a school's report (scrypt), which a person
//! may cancel. The worker runs this same wasm module (its `start` does nothing without a
//! window), keeps the tables it read, and sends back only what the page needs: each table's
//! head, then a file's rows as the 学籍 reader makes them, in batches the page decodes between
//! frames; or a file's decrypted bytes.
//!
//! Where no worker can run (the one-file copy opened from disk, a browser without module
//! workers) [`PageWorker::start`] or its first answer fails and the page does the work itself.

use std::cell::RefCell;

use baoxue_core::crosscheck::{read_table, ColumnMapping, RawTable, TableHead};
use baoxue_core::exchange::{bundle_text, check_header, decrypt, is_encrypted, plain_text};
use baoxue_core::student_roll::{read_roll, rows_from_bytes, rows_to_bytes, RollField, RollFile};
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::i18n::text;
use baoxue_core::model::{Lang, Localized};

/// Rows per batch sent back: each decodes in a few milliseconds.
const ROWS_PER_BATCH: usize = 5_000;

thread_local! {
    /// The worker's tables, in the order the page sent the files.
    static TABLES: RefCell<Vec<(String, RawTable)>> = const { RefCell::new(Vec::new()) };
}

fn get(msg: &JsValue, key: &str) -> JsValue {
    Reflect::get(msg, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn answer(pairs: &[(&str, JsValue)]) -> JsValue {
    let out = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&out, &JsValue::from_str(k), v);
    }
    out.into()
}

fn refuse(message: impl Into<String>) -> JsValue {
    answer(&[("error", JsValue::from_str(&message.into()))])
}

/// The worker's side: one answer per message. `{op: "read", name, bytes}` reads a file and
/// answers its head; `{op: "roll", index, mapping, school_year}` reads a table's rows;
/// `{op: "decrypt", bytes, passphrase}` answers the plain bytes.
/// The language the page asked in, for the worker's refusals.
fn lang_of(msg: &JsValue) -> Lang {
    match get(msg, "lang").as_string().as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Zh,
    }
}

fn lang_value(lang: Lang) -> JsValue {
    JsValue::from_str(if lang == Lang::En { "en" } else { "zh" })
}

#[wasm_bindgen]
pub fn page_worker(msg: JsValue) -> JsValue {
    let lang = lang_of(&msg);
    let t = text(lang);
    match get(&msg, "op").as_string().as_deref() {
        Some("clear") => {
            TABLES.with(|t| t.borrow_mut().clear());
            answer(&[])
        }
        Some("read") => {
            let name = get(&msg, "name").as_string().unwrap_or_default();
            let Ok(bytes) = get(&msg, "bytes").dyn_into::<Uint8Array>() else {
                return refuse(t.wk_no_bytes);
            };
            match read_table(&bytes.to_vec()) {
                Ok(table) => {
                    let head = serde_json::to_string(&table.head()).unwrap_or_default();
                    TABLES.with(|t| t.borrow_mut().push((name, table)));
                    answer(&[("head", head.into())])
                }
                Err(e) => refuse(e.say(lang)),
            }
        }
        Some("roll") => {
            let index = get(&msg, "index").as_f64().unwrap_or(-1.0);
            let school_year = get(&msg, "school_year").as_f64().unwrap_or(0.0) as i32;
            let mapping: Option<ColumnMapping<RollField>> = get(&msg, "mapping")
                .as_string()
                .and_then(|m| serde_json::from_str(&m).ok());
            let Some(mapping) = mapping else {
                return refuse(t.wk_bad_mapping);
            };
            let file = TABLES.with(|t| {
                let t = t.borrow();
                let (name, table) = t.get(index as usize)?;
                Some(read_roll(name, table, &mapping, school_year))
            });
            match file {
                Some(file) => send_roll(file),
                None => refuse(t.wk_file_gone),
            }
        }
        Some("decrypt") => {
            let pass = get(&msg, "passphrase").as_string().unwrap_or_default();
            let Ok(bytes) = get(&msg, "bytes").dyn_into::<Uint8Array>() else {
                return refuse(t.wk_no_bytes);
            };
            match decrypt(&bytes.to_vec(), &pass) {
                Ok(plain) => {
                    let out = Uint8Array::from(plain.as_slice());
                    answer(&[
                        ("plain", out.clone().into()),
                        ("transfer", Array::of1(&out.buffer()).into()),
                    ])
                }
                Err(e) => refuse(e.say(lang)),
            }
        }
        _ => refuse(t.wk_unknown),
    }
}

fn send_roll(mut file: RollFile) -> JsValue {
    let rows = std::mem::take(&mut file.rows);
    let batches = Array::new();
    let transfer = Array::new();
    for batch in rows.chunks(ROWS_PER_BATCH) {
        let bytes = rows_to_bytes(batch);
        let array = Uint8Array::from(bytes.as_slice());
        transfer.push(&array.buffer());
        batches.push(&array);
    }
    let meta = serde_json::to_string(&file).unwrap_or_default();
    answer(&[
        ("meta", meta.into()),
        ("rows", batches.into()),
        ("transfer", transfer.into()),
    ])
}

/// The worker's module script: it loads this app's own JS and wasm, then answers messages.
fn script(js: &str, wasm: &str) -> String {
    format!(
        "import init, {{ page_worker }} from {js:?};\n\
         const ready = init({{ module_or_path: {wasm:?} }});\n\
         self.onmessage = (e) => ready.then(() => {{\n\
           const out = page_worker(e.data);\n\
           self.postMessage(out, out.transfer || []);\n\
         }}).catch((err) => self.postMessage({{ error: String((err && err.message) || err) }}));\n"
    )
}

/// Why the worker gave no answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Asked {
    /// It answered with a message in Chinese: the file is bad, not the worker.
    Refused(String),
    /// It could not answer (could not start, or failed): read on the page instead.
    Broken,
    /// The person cancelled; the worker is gone.
    Cancelled,
}

/// The page's worker, started on first use; `None` where none runs.
pub type WorkerSlot =
    leptos::prelude::StoredValue<Option<std::rc::Rc<PageWorker>>, leptos::prelude::LocalStorage>;

/// The page's side: one worker, one question at a time.
pub struct PageWorker {
    worker: web_sys::Worker,
    url: String,
    /// Ends the question being asked, for [`PageWorker::cancel`].
    pending: RefCell<Option<js_sys::Function>>,
}

impl PageWorker {
    /// A worker over the app's module, named by the page's loader (see Trunk.toml); `None`
    /// where none can start.
    pub fn start() -> Option<PageWorker> {
        let window = web_sys::window()?;
        let module = Reflect::get(&window, &"baoxueModule".into()).ok()?;
        let js = get(&module, "js").as_string()?;
        let wasm = get(&module, "wasm").as_string()?;
        let parts = Array::of1(&JsValue::from_str(&script(&js, &wasm)));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("text/javascript");
        let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
        let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
        let opts = web_sys::WorkerOptions::new();
        opts.set_type(web_sys::WorkerType::Module);
        match web_sys::Worker::new_with_options(&url, &opts) {
            Ok(worker) => Some(PageWorker {
                worker,
                url,
                pending: RefCell::new(None),
            }),
            Err(_) => {
                let _ = web_sys::Url::revoke_object_url(&url);
                None
            }
        }
    }

    async fn ask(&self, msg: JsValue, transfer: &Array) -> Result<JsValue, Asked> {
        let worker = self.worker.clone();
        let pending = &self.pending;
        let promise = js_sys::Promise::new(&mut |resolve, reject| {
            *pending.borrow_mut() = Some(reject.clone());
            let on_message = Closure::once_into_js(move |e: web_sys::MessageEvent| {
                let _ = resolve.call1(&JsValue::NULL, &e.data());
            });
            let on_error = Closure::once_into_js(move |e: JsValue| {
                let _ = reject.call1(&JsValue::NULL, &e);
            });
            worker.set_onmessage(Some(on_message.unchecked_ref()));
            worker.set_onerror(Some(on_error.unchecked_ref()));
        });
        self.worker
            .post_message_with_transfer(&msg, transfer)
            .map_err(|_| Asked::Broken)?;
        let out = wasm_bindgen_futures::JsFuture::from(promise).await;
        self.pending.borrow_mut().take();
        let out = out.map_err(|e| {
            if e.as_string().as_deref() == Some(CANCELLED) {
                Asked::Cancelled
            } else {
                Asked::Broken
            }
        })?;
        match get(&out, "error").as_string() {
            Some(e) => Err(Asked::Refused(e)),
            None => Ok(out),
        }
    }

    /// Stops the worker mid-question (a file that takes too long); the question being asked
    /// ends with [`Asked::Cancelled`]. The worker cannot be used again.
    pub fn cancel(&self) {
        self.worker.terminate();
        if let Some(reject) = self.pending.borrow_mut().take() {
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(CANCELLED));
        }
    }

    /// An age file decrypted off the page's thread.
    pub async fn decrypt(
        &self,
        bytes: &[u8],
        passphrase: &str,
        lang: Lang,
    ) -> Result<Vec<u8>, Asked> {
        let array = Uint8Array::from(bytes);
        let msg = answer(&[
            ("op", "decrypt".into()),
            ("lang", lang_value(lang)),
            ("passphrase", passphrase.into()),
            ("bytes", array.clone().into()),
        ]);
        let out = self.ask(msg, &Array::of1(&array.buffer())).await?;
        let plain: Uint8Array = get(&out, "plain").dyn_into().map_err(|_| Asked::Broken)?;
        Ok(plain.to_vec())
    }

    /// Forgets the tables read before.
    pub async fn clear(&self) -> Result<(), Asked> {
        let msg = answer(&[("op", "clear".into())]);
        self.ask(msg, &Array::new()).await.map(|_| ())
    }

    /// Reads one file in the worker: its head, or why it cannot be read.
    pub async fn read(&self, name: &str, bytes: &[u8], lang: Lang) -> Result<TableHead, Asked> {
        let array = Uint8Array::from(bytes);
        let msg = answer(&[
            ("op", "read".into()),
            ("lang", lang_value(lang)),
            ("name", name.into()),
            ("bytes", array.clone().into()),
        ]);
        let out = self.ask(msg, &Array::of1(&array.buffer())).await?;
        let head = get(&out, "head").as_string().unwrap_or_default();
        serde_json::from_str(&head).map_err(|_| Asked::Broken)
    }

    /// The rows of the table read `index`th, as the 学籍 reader makes them; rows are decoded
    /// a batch per frame.
    pub async fn roll(
        &self,
        index: usize,
        mapping: &ColumnMapping<RollField>,
        school_year: i32,
        lang: Lang,
    ) -> Result<RollFile, Asked> {
        let mapping = serde_json::to_string(mapping).map_err(|_| Asked::Broken)?;
        let msg = answer(&[
            ("op", "roll".into()),
            ("lang", lang_value(lang)),
            ("index", JsValue::from(index as f64)),
            ("mapping", mapping.into()),
            ("school_year", JsValue::from(school_year)),
        ]);
        let out = self.ask(msg, &Array::new()).await?;
        let meta = get(&out, "meta").as_string().unwrap_or_default();
        let mut file: RollFile = serde_json::from_str(&meta).map_err(|_| Asked::Broken)?;
        let batches: Array = get(&out, "rows").dyn_into().map_err(|_| Asked::Broken)?;
        for batch in batches.iter() {
            let bytes = batch
                .dyn_into::<Uint8Array>()
                .map_err(|_| Asked::Broken)?
                .to_vec();
            file.rows
                .extend(rows_from_bytes(&bytes).map_err(|_| Asked::Broken)?);
            gloo_timers::future::TimeoutFuture::new(0).await;
        }
        Ok(file)
    }
}

impl Drop for PageWorker {
    fn drop(&mut self) {
        self.worker.terminate();
        let _ = web_sys::Url::revoke_object_url(&self.url);
    }
}

const CANCELLED: &str = "baoxue-cancelled";

/// A bundle file's text: an encrypted one is checked on the page (its header, at once) and
/// decrypted in the page's worker, so a slow file never freezes the page and can be
/// cancelled; where no worker runs, on the page.
pub async fn unseal(
    slot: WorkerSlot,
    bytes: &[u8],
    passphrase: &str,
    lang: Lang,
) -> Result<String, String> {
    use leptos::prelude::{GetValue, SetValue, WithValue};
    if !is_encrypted(bytes) || passphrase.is_empty() {
        return bundle_text(bytes, Some(passphrase)).map_err(|e| e.say(lang));
    }
    check_header(bytes).map_err(|e| e.say(lang))?;
    if slot.with_value(Option::is_none) {
        slot.set_value(PageWorker::start().map(std::rc::Rc::new));
    }
    let plain = match slot.get_value() {
        Some(w) => match w.decrypt(bytes, passphrase, lang).await {
            Ok(p) => Some(p),
            Err(Asked::Refused(e)) => return Err(e),
            Err(Asked::Cancelled) => {
                slot.set_value(None);
                return Err(text(lang).wk_cancelled.into());
            }
            Err(Asked::Broken) => {
                slot.set_value(None);
                None
            }
        },
        None => None,
    };
    match plain {
        Some(p) => plain_text(p).map_err(|e| e.say(lang)),
        None => bundle_text(bytes, Some(passphrase)).map_err(|e| e.say(lang)),
    }
}

/// Cancels what the page's worker is doing, if anything.
pub fn cancel(slot: WorkerSlot) {
    use leptos::prelude::{GetValue, SetValue};
    if let Some(w) = slot.get_value() {
        w.cancel();
    }
    slot.set_value(None);
}
