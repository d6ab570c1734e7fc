use leptos::prelude::*;

use baoxue_core::model::format_count;

/// A figure that is also a filter: a card with a label and a count, outlined when chosen,
/// choosing `value` when clicked.
#[component]
pub fn FilterStat<T>(
    /// Element id.
    id: &'static str,
    /// What this card selects.
    value: T,
    /// The current selection.
    chosen: RwSignal<T>,
    /// The label.
    #[prop(into)]
    label: Signal<&'static str>,
    /// The count shown.
    #[prop(into)]
    count: Signal<usize>,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    view! {
        <button id=id class="stat" class:selected=move || chosen.get() == value on:click=move |_| chosen.set(value)>
            <span class="label">{move || label.get()}</span>
            <span class="value">{move || format_count(count.get())}</span>
        </button>
    }
}
