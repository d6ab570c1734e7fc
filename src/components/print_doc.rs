//! A page that shows a document to print (notice, ledger, monthly report) marks the body, so
//! that print CSS hides the navigation around it. A class rather than CSS `:has()`, which
//! Chromium gained only in 105 (360 Secure Browser 13 runs Chromium 86).

use leptos::prelude::*;

const CLASS: &str = "print-doc";

/// Marks the body as holding a printable document for as long as the calling view lives.
pub fn mark_print_document() {
    let body = || web_sys::window()?.document()?.body();
    if let Some(b) = body() {
        let _ = b.class_list().add_1(CLASS);
    }
    on_cleanup(move || {
        if let Some(b) = body() {
            let _ = b.class_list().remove_1(CLASS);
        }
    });
}
