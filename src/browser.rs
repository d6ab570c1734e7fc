//! What the browser gives every page: its clock, its dialogs, the language remembered in
//! it, and performance marks for the benchmark.

use baoxue_core::model::Lang;

/// Today on the office PC's clock.
pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// Now on the office PC's clock, for audit entries and file names.
pub fn now() -> chrono::NaiveDateTime {
    chrono::Local::now().naive_local()
}

/// Asks the user; `false` when the browser cannot ask.
pub fn confirm(message: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(message).ok())
        .unwrap_or(false)
}

const LANG_KEY: &str = "baoxue.lang";

pub fn saved_lang() -> Lang {
    let stored = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(LANG_KEY).ok().flatten());
    match stored.as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Zh,
    }
}

/// Remembers the language choice in this browser.
pub fn save_lang(lang: Lang) {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(LANG_KEY, if lang == Lang::En { "en" } else { "zh" });
    }
}

/// A performance mark the benchmark reads.
pub fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// Measures between a mark and now, under `name`, for the benchmark.
pub fn measure(name: &str, start_mark: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.measure_with_start_mark(name, start_mark);
    }
}

/// Milliseconds on the page's clock; 0 where the browser has none.
pub fn millis() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// Long work on the page is done in slices of about this long, so that it still draws and
/// answers clicks (a frame gap above 200 ms is felt).
const SLICE_MS: f64 = 40.0;

/// Tells a slice of long work when to give the page back.
pub struct Slice(f64);

impl Slice {
    pub fn start() -> Self {
        Slice(millis())
    }

    /// True when this slice has had its time.
    pub fn spent(&self) -> bool {
        millis() - self.0 > SLICE_MS
    }

    /// Gives the page a turn to draw, then starts the next slice.
    pub async fn next(&mut self) {
        gloo_timers::future::TimeoutFuture::new(0).await;
        self.0 = millis();
    }
}
