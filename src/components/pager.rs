use leptos::prelude::*;

use crate::i18n::text;
use crate::state::Language;

/// Page navigation for a long list: first, previous, "page n of m", next, last.
#[component]
pub fn Pager(
    /// Zero-based current page.
    page: RwSignal<usize>,
    /// Number of items in the whole list.
    #[prop(into)]
    total: Signal<usize>,
    /// Items per page.
    #[prop(into)]
    size: Signal<usize>,
) -> impl IntoView {
    let language = expect_context::<Language>();
    let t = move || text(language.get());
    let pages = move || total.get().div_ceil(size.get().max(1)).max(1);
    // A shorter list or a larger page size never leaves the page past the end.
    Effect::new(move |_| {
        let last = pages() - 1;
        if page.get() > last {
            page.set(last);
        }
    });
    let at_start = move || page.get() == 0;
    let at_end = move || page.get() + 1 >= pages();
    view! {
        <div class="pager">
            <button disabled=at_start on:click=move |_| page.set(0)>{move || t().first}</button>
            <button disabled=at_start on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>
                {move || t().prev}
            </button>
            <span class="where">{move || format!("{} / {}", page.get() + 1, pages())}</span>
            <button disabled=at_end on:click=move |_| page.update(|p| *p += 1)>{move || t().next}</button>
            <button disabled=at_end on:click=move |_| page.set(pages() - 1)>{move || t().last}</button>
        </div>
    }
}
