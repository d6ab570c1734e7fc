//! One child: every field, what the ID number says, and the history of changes.

use baoxue_core::model::{AuditEntry, Labelled, Localized};
use baoxue_core::rules::school_age::{age_on, expected_grade, school_year_of};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::browser::today;
use crate::i18n::text;
use crate::route::Route;
use crate::state::{Database, Language, Ledgers, Notices};
use crate::store;

#[component]
pub fn ChildPage(id: Uuid) -> impl IntoView {
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let database = expect_context::<Database>();
    let ledgers = expect_context::<Ledgers>();
    let t = move || text(language.get());
    let child = Memo::new(move |_| {
        ledgers.with_ledger(|l| l.child(id).map(|c| (c.clone(), l.names_for(c))))
    });
    let history = RwSignal::new(None::<Vec<AuditEntry>>);
    Effect::new(move |_| {
        ledgers.track_ledgers();
        if let Some(db) = database.db() {
            let slot = ledgers.ledger.with_untracked(|l| l.slot_of(id));
            spawn_local(async move {
                match store::audit_of(&db, &id.to_string(), slot).await {
                    Ok(mut h) => {
                        h.reverse();
                        history.set(Some(h))
                    }
                    Err(e) => notices.error(e.say(language.get_untracked())),
                }
            });
        }
    });

    move || {
        let Some((c, names)) = child.get() else {
            return view! {
                <p class="card error">{t().child_not_found}</p>
                <a href=Route::Children.href()>{t().back_to_list}</a>
            }
            .into_any();
        };
        let lang = language.get();
        let problems: Vec<String> = c.problems().iter().map(|p| p.say(lang)).collect();
        let fields = c.display_fields_in(&names, lang);
        let today = today();
        let facts = format!(
            "{} {} · {} {}",
            t().age,
            age_on(c.birth_date, today),
            t().expected_grade,
            expected_grade(c.birth_date, school_year_of(today))
        );
        let status_class = format!("status s-{}", c.status.key());
        view! {
            <div class="title-row">
                <h1>
                    <span id="child-name">{c.name.clone()}</span>
                    " " <span class=status_class>{c.status.label(lang)}</span>
                </h1>
                <div class="actions">
                    <a class="button" href=Route::Children.href()>{t().back_to_list}</a>
                    <a class="button primary" id="edit-child" href=Route::EditChild(c.id).href()>{t().edit}</a>
                </div>
            </div>
            <p class="muted">{facts}</p>
            {(!problems.is_empty()).then(|| view! {
                <div class="warning" id="child-problems">{t().warnings}{t().colon}{problems.join(crate::i18n::sep(lang, true))}</div>
            })}
            <super::child_casework::CaseworkPanel child_id=c.id/>
            <div class="columns two">
                <section class="card">
                    <table class="fields">
                        <tbody>
                            {fields.into_iter().map(|(label, value)| view! {
                                <tr><th>{label.label(lang)}</th><td>{if value.is_empty() { "—".to_string() } else { value }}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </section>
                <section class="card">
                    <h2>{t().history}</h2>
                    {move || match history.get() {
                        None => view! { <p class="muted">{t().loading}</p> }.into_any(),
                        Some(h) if h.is_empty() => view! { <p class="muted">{t().history_empty}</p> }.into_any(),
                        Some(h) => view! {
                            <ol class="history" id="history">
                                {h.into_iter().map(history_entry).collect_view()}
                            </ol>
                        }.into_any(),
                    }}
                </section>
            </div>
        }
        .into_any()
    }
}

fn history_entry(e: AuditEntry) -> impl IntoView {
    view! {
        <li>
            <div class="when">
                <strong>{e.at.format("%Y-%m-%d %H:%M:%S").to_string()}</strong>
                " · " {e.operator} " · " {e.action.zh()}
            </div>
            <div>{e.summary}</div>
            {(!e.changes.is_empty()).then(|| view! {
                <table class="grid compact changes">
                    <tbody>
                        {e.changes.into_iter().map(|c| view! {
                            <tr><th>{c.field}</th><td class="before">{c.before}</td><td>"→"</td><td class="after">{c.after}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </li>
    }
}
