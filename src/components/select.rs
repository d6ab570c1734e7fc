use baoxue_core::model::Labelled;
use leptos::prelude::*;

use crate::state::Language;

/// A `<select>` over a closed vocabulary, with an optional "any"/"none" first option.
#[component]
pub fn EnumSelect<T>(
    /// The chosen value; `None` is the empty option.
    value: RwSignal<Option<T>>,
    /// Text of the empty option; without it a value must be chosen.
    #[prop(optional, into)]
    empty: Option<Signal<&'static str>>,
    /// Element id, for labels and tests.
    #[prop(optional, into)]
    id: Option<String>,
) -> impl IntoView
where
    T: Labelled + PartialEq + Send + Sync,
{
    let language = expect_context::<Language>();
    view! {
        <select
            id=id
            on:change=move |ev| value.set(T::from_key(&event_target_value(&ev)))
            prop:value=move || value.get().map(|v| v.key()).unwrap_or("")
        >
            {empty.map(|e| view! { <option value="">{move || e.get()}</option> })}
            {T::ALL
                .iter()
                .map(|v| {
                    let v = *v;
                    view! {
                        <option value=v.key() selected=move || value.get() == Some(v)>
                            {move || v.label(language.get())}
                        </option>
                    }
                })
                .collect_view()}
        </select>
    }
}
