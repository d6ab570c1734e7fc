use leptos::prelude::*;

use crate::i18n::text;
use crate::state::{AppState, Notice};

/// The message bar under the header: errors in red, information in green, dismissable.
#[component]
pub fn NoticeBar() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        state.notice.get().map(|n| {
            let (class, msg) = match n {
                Notice::Info(m) => ("notice info", m),
                Notice::Error(m) => ("notice error", m),
            };
            view! {
                <div class=class role="alert">
                    <span class="msg">{msg}</span>
                    <button class="link" on:click=move |_| state.notice.set(None)>
                        {move || text(state.lang.get()).dismiss}
                    </button>
                </div>
            }
        })
    }
}
