//! The page's worker, for work that takes seconds while the page must keep drawing: reading
//! a 200,000-row xlsx, and decrypting a backup or a school's report (scrypt), which a person
//! may cancel. The worker runs this same wasm module (its `start` does nothing without a
//! window) and sends back only what the page needs: for 学籍 files, each file's head and the
//! columns found in it, then its rows in batches as the 学籍 reader makes them, posted while
//! it reads on, so the page compares them with the ledger on its own thread meanwhile; or a
//! file's decrypted bytes.
//!
//! Where no worker can run (the one-file copy opened from disk, a browser without module
//! workers) [`PageWorker::start`] or its first answer fails and the page does the work itself.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use baoxue_core::crosscheck::table::{is_workbook, records_from_bytes, records_to_bytes};
use baoxue_core::crosscheck::{ColumnMapping, RememberedMapping, StringRecord, TableHead};
use baoxue_core::exchange::{bundle_text, check_header, decrypt, is_encrypted, plain_text};
use baoxue_core::student_roll::{
    rows_from_bytes, rows_to_bytes, stream_records, stream_roll, RollColumns, RollEvent, RollField,
    RollFile, RollRow, TableNews,
};
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::i18n::text;
use baoxue_core::model::{Lang, Localized};

/// Records per batch sent back: each is decoded, read and compared in a few milliseconds.
pub const ROWS_PER_BATCH: usize = 2_000;

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

/// The worker's side: one answer per message, and for 学籍 files messages on the way.
/// `{op: "rolls", files: [{name, bytes, mapping?}], remembered, school_year}` posts each file's
/// [`RollNews`] as it reads, then answers `{}`; `{op: "decrypt", bytes, passphrase}`
/// answers the plain bytes.
#[wasm_bindgen]
pub fn page_worker(msg: JsValue) -> JsValue {
    let lang = lang_of(&msg);
    let t = text(lang);
    match get(&msg, "op").as_string().as_deref() {
        Some("rolls") => {
            let school_year = get(&msg, "school_year").as_f64().unwrap_or(0.0) as i32;
            let remembered: Option<RememberedMapping<RollField>> = get(&msg, "remembered")
                .as_string()
                .and_then(|m| serde_json::from_str(&m).ok());
            let Some(remembered) = remembered else {
                return refuse(t.wk_bad_mapping);
            };
            let files: Array = get(&msg, "files").unchecked_into();
            for (index, file) in files.iter().enumerate() {
                let name = get(&file, "name").as_string().unwrap_or_default();
                let chosen: Option<ColumnMapping<RollField>> = get(&file, "mapping")
                    .as_string()
                    .and_then(|m| serde_json::from_str(&m).ok());
                let columns = match &chosen {
                    Some(m) => RollColumns::Chosen(m),
                    None => RollColumns::Found(&remembered),
                };
                let read = match get(&file, "bytes").dyn_into::<Uint8Array>() {
                    // A workbook keeps the worker busy parsing: the page makes its records
                    // into pupils. Text is read quickly: the worker does that too.
                    Ok(bytes) => {
                        let bytes = bytes.to_vec();
                        if is_workbook(&bytes) {
                            stream_records(&bytes, columns, ROWS_PER_BATCH, &mut |e| {
                                post(&news(index, e))
                            })
                        } else {
                            let post_rolled = &mut |e| post(&rolled(index, e));
                            stream_roll(
                                &name,
                                &bytes,
                                columns,
                                school_year,
                                ROWS_PER_BATCH,
                                post_rolled,
                            )
                        }
                        .map_err(|e| e.say(lang))
                    }
                    Err(_) => Err(t.wk_no_bytes.to_string()),
                };
                if let Err(e) = read {
                    post(&answer(&[
                        ("index", JsValue::from(index as f64)),
                        ("failed", e.into()),
                    ]));
                }
            }
            answer(&[])
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

/// Posts a message to the page while the worker goes on reading.
fn post(msg: &JsValue) {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let transfer = get(msg, "transfer");
    let _ = if transfer.is_undefined() {
        scope.post_message(msg)
    } else {
        scope.post_message_with_transfer(msg, &transfer)
    };
}

/// A reading event as a message: JSON for the head, records in their compact form.
fn news(index: usize, event: TableNews) -> JsValue {
    let index = ("index", JsValue::from(index as f64));
    match event {
        TableNews::Head { head, mapping } => answer(&[
            index,
            (
                "head",
                serde_json::to_string(&head).unwrap_or_default().into(),
            ),
            (
                "mapping",
                serde_json::to_string(&mapping).unwrap_or_default().into(),
            ),
        ]),
        TableNews::Records { records, read } => {
            batch(index, "records", &records_to_bytes(&records), read)
        }
        TableNews::Restart => answer(&[index, ("restart", JsValue::TRUE)]),
        TableNews::Done { table_rows } => {
            answer(&[index, ("table_rows", JsValue::from(table_rows as f64))])
        }
    }
}

/// A batch of a file's records or rows, its bytes handed over rather than copied.
fn batch(index: (&str, JsValue), key: &str, bytes: &[u8], read: f64) -> JsValue {
    let array = Uint8Array::from(bytes);
    answer(&[
        index,
        (key, array.clone().into()),
        ("read", JsValue::from(read)),
        ("transfer", Array::of1(&array.buffer()).into()),
    ])
}

/// A reading event with the records made into pupils, as a message.
fn rolled(index: usize, event: RollEvent) -> JsValue {
    let at = ("index", JsValue::from(index as f64));
    match event {
        RollEvent::Head { head, mapping } => {
            let msg = news(index, TableNews::Head { head, mapping });
            let _ = Reflect::set(&msg, &"rolled".into(), &JsValue::TRUE);
            msg
        }
        RollEvent::Rows { rows, read } => batch(at, "rows", &rows_to_bytes(&rows), read),
        RollEvent::Restart => news(index, TableNews::Restart),
        RollEvent::Done { file, table_rows } => answer(&[
            at,
            ("table_rows", JsValue::from(table_rows as f64)),
            (
                "file",
                serde_json::to_string(&file).unwrap_or_default().into(),
            ),
        ]),
    }
}

/// What the worker says about one 学籍 file as it reads it.
#[derive(Debug)]
pub enum RollNews {
    Head {
        head: TableHead,
        mapping: ColumnMapping<RollField>,
        /// Its pupils come made ([`RollNews::Rows`]), not as records.
        rolled: bool,
    },
    Records {
        records: Vec<StringRecord>,
        read: f64,
    },
    Rows {
        rows: Vec<RollRow>,
        read: f64,
    },
    Restart,
    Done {
        table_rows: usize,
        /// The file's problems and skipped lines, when its pupils came made.
        file: Option<RollFile>,
    },
    /// The file cannot be read, and why.
    Failed(String),
}

impl RollNews {
    /// A reading event, as the page reads a file itself where no worker runs.
    pub fn of(event: TableNews) -> RollNews {
        match event {
            TableNews::Head { head, mapping } => RollNews::Head {
                head,
                mapping,
                rolled: false,
            },
            TableNews::Records { records, read } => RollNews::Records { records, read },
            TableNews::Restart => RollNews::Restart,
            TableNews::Done { table_rows } => RollNews::Done {
                table_rows,
                file: None,
            },
        }
    }

    fn read(msg: &JsValue) -> Option<(usize, RollNews)> {
        let index = get(msg, "index").as_f64()? as usize;
        let json = |key: &str| get(msg, key).as_string();
        let news = if let Some(e) = json("failed") {
            RollNews::Failed(e)
        } else if let Some(head) = json("head") {
            RollNews::Head {
                head: serde_json::from_str(&head).ok()?,
                mapping: serde_json::from_str(&json("mapping")?).ok()?,
                rolled: get(msg, "rolled").is_truthy(),
            }
        } else if let Ok(rows) = get(msg, "rows").dyn_into::<Uint8Array>() {
            RollNews::Rows {
                rows: rows_from_bytes(&rows.to_vec()).ok()?,
                read: get(msg, "read").as_f64().unwrap_or(0.0),
            }
        } else if let Ok(records) = get(msg, "records").dyn_into::<Uint8Array>() {
            RollNews::Records {
                records: records_from_bytes(&records.to_vec()).ok()?,
                read: get(msg, "read").as_f64().unwrap_or(0.0),
            }
        } else if get(msg, "restart").is_truthy() {
            RollNews::Restart
        } else {
            RollNews::Done {
                table_rows: get(msg, "table_rows").as_f64()? as usize,
                file: match json("file") {
                    Some(f) => Some(serde_json::from_str(&f).ok()?),
                    None => None,
                },
            }
        };
        Some((index, news))
    }
}

/// Messages a worker posts while it answers, in order; the last is its answer.
struct Posted {
    queue: Rc<RefCell<VecDeque<Result<JsValue, Asked>>>>,
    wake: Rc<RefCell<Option<js_sys::Function>>>,
}

impl Posted {
    /// The next message, once it comes.
    async fn next(&self) -> Result<JsValue, Asked> {
        loop {
            if let Some(m) = self.queue.borrow_mut().pop_front() {
                return m;
            }
            let wake = &self.wake;
            let promise = js_sys::Promise::new(&mut |resolve, _| {
                *wake.borrow_mut() = Some(resolve);
            });
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        }
    }
}

/// The 学籍 files being read in the worker, their news as it comes.
pub struct RollsBeingRead {
    posted: Posted,
    finished: bool,
}

impl RollsBeingRead {
    /// The next file's news; `Ok(None)` once every file is read.
    pub async fn next(&mut self) -> Result<Option<(usize, RollNews)>, Asked> {
        if self.finished {
            return Ok(None);
        }
        let msg = self.posted.next().await?;
        if let Some(e) = get(&msg, "error").as_string() {
            self.finished = true;
            return Err(Asked::Refused(e));
        }
        if get(&msg, "index").is_undefined() {
            self.finished = true;
            return Ok(None);
        }
        RollNews::read(&msg).map(Some).ok_or(Asked::Broken)
    }
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
    /// What hears the worker while it reads 学籍 files, and tells the reading.
    listening: RefCell<Option<Listening>>,
}

type Listening = (
    Closure<dyn FnMut(web_sys::MessageEvent)>,
    Closure<dyn FnMut(JsValue)>,
    Rc<dyn Fn(Result<JsValue, Asked>)>,
);

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
                listening: RefCell::new(None),
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
    /// ends with [`Asked::Cancelled`], as do files being read. The worker cannot be used again.
    pub fn cancel(&self) {
        self.worker.terminate();
        if let Some(reject) = self.pending.borrow_mut().take() {
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(CANCELLED));
        }
        if let Some((_, _, push)) = self.listening.borrow_mut().take() {
            push(Err(Asked::Cancelled));
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

    /// Reads 学籍 files in the worker, each with the columns chosen for it or else those
    /// found with `remembered`; their news comes as it reads.
    pub fn read_rolls(
        &self,
        files: &[(String, Vec<u8>)],
        chosen: &[Option<ColumnMapping<RollField>>],
        remembered: &RememberedMapping<RollField>,
        school_year: i32,
        lang: Lang,
    ) -> Result<RollsBeingRead, Asked> {
        let queue = Rc::new(RefCell::new(VecDeque::new()));
        let wake: Rc<RefCell<Option<js_sys::Function>>> = Rc::new(RefCell::new(None));
        let push: Rc<dyn Fn(Result<JsValue, Asked>)> = {
            let (queue, wake) = (queue.clone(), wake.clone());
            Rc::new(move |m| {
                queue.borrow_mut().push_back(m);
                if let Some(w) = wake.borrow_mut().take() {
                    let _ = w.call0(&JsValue::NULL);
                }
            })
        };
        let on_message = {
            let push = push.clone();
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                push(Ok(e.data()))
            })
        };
        let on_error = {
            let push = push.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |_| push(Err(Asked::Broken)))
        };
        self.worker
            .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        self.worker
            .set_onerror(Some(on_error.as_ref().unchecked_ref()));
        *self.listening.borrow_mut() = Some((on_message, on_error, push));
        let list = Array::new();
        let transfer = Array::new();
        for (i, (name, bytes)) in files.iter().enumerate() {
            let array = Uint8Array::from(bytes.as_slice());
            transfer.push(&array.buffer());
            let mapping = chosen
                .get(i)
                .cloned()
                .flatten()
                .and_then(|m| serde_json::to_string(&m).ok());
            list.push(&answer(&[
                ("name", name.into()),
                ("bytes", array.into()),
                ("mapping", mapping.map_or(JsValue::UNDEFINED, JsValue::from)),
            ]));
        }
        let remembered = serde_json::to_string(remembered).map_err(|_| Asked::Broken)?;
        let msg = answer(&[
            ("op", "rolls".into()),
            ("lang", lang_value(lang)),
            ("files", list.into()),
            ("remembered", remembered.into()),
            ("school_year", JsValue::from(school_year)),
        ]);
        self.worker
            .post_message_with_transfer(&msg, &transfer)
            .map_err(|_| Asked::Broken)?;
        Ok(RollsBeingRead {
            posted: Posted { queue, wake },
            finished: false,
        })
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
