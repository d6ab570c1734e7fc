use leptos::prelude::*;

use crate::i18n::text;
use crate::state::{Language, Notice, Notices};

/// The message bar under the header: errors in red, information in green, dismissable.
#[component]
pub fn NoticeBar() -> impl IntoView {
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    move || {
        notices.notice.get().map(|n| {
            let (class, msg) = match n {
                Notice::Info(m) => ("notice info", m),
                Notice::Error(m) => ("notice error", m),
            };
            view! {
                <div class=class role="alert">
                    <span class="msg">{msg}</span>
                    <button class="link" on:click=move |_| notices.notice.set(None)>
                        {move || text(language.get()).dismiss}
                    </button>
                </div>
            }
        })
    }
}
