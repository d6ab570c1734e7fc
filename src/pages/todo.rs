//! 待办事项: what the operator must do today, on the dashboard.

use baoxue_core::casework::Todo;
use leptos::prelude::*;

use super::common::child_line;
use crate::browser::today;
use crate::i18n::text;
use crate::route::Route;
use crate::state::{Language, Ledgers};

/// How many to show before "and N more".
const SHOWN: usize = 12;

#[component]
pub fn TodoList() -> impl IntoView {
    let language = expect_context::<Language>();
    let ledgers = expect_context::<Ledgers>();
    let t = move || text(language.get());
    let items = Memo::new(move |_| {
        ledgers.with_cases(|l, b| {
            b.todos(l, today())
                .into_iter()
                .map(|todo| {
                    let tx = text(language.get());
                    let (kind, class, child, detail, href) = match &todo {
                        Todo::VerifySuspect {
                            suspect_id,
                            child_id,
                            since,
                        } => (
                            tx.todo_verify,
                            "t-verify",
                            *child_id,
                            format!("{since}"),
                            Route::Suspect(*suspect_id).href(),
                        ),
                        Todo::CaseOverdue {
                            case_id,
                            child_id,
                            deadline,
                        } => (
                            tx.todo_case_overdue,
                            "t-overdue",
                            *child_id,
                            format!("{} {deadline}", tx.deadline),
                            Route::Case(*case_id).href(),
                        ),
                        Todo::NoticeExpired {
                            case_id,
                            child_id,
                            serial,
                            deadline,
                        } => (
                            tx.todo_notice,
                            "t-notice",
                            *child_id,
                            format!("{serial} {deadline}"),
                            Route::Case(*case_id).href(),
                        ),
                        Todo::WatchedAbsent {
                            case_id,
                            child_id,
                            date,
                            watch_until,
                        } => (
                            tx.todo_watched,
                            "t-watched",
                            *child_id,
                            format!("{date}（{} {watch_until}）", tx.watch_until),
                            Route::Case(*case_id).href(),
                        ),
                        Todo::HomeVisitOverdue { child_id, due } => (
                            tx.todo_home_visit,
                            "t-home",
                            *child_id,
                            format!("{} {due}", tx.next_due),
                            Route::Child(*child_id).href(),
                        ),
                        Todo::TransferUnconfirmed { child_id, date, .. } => (
                            tx.todo_transfer,
                            "t-transfer",
                            *child_id,
                            format!("{date}"),
                            Route::Suspects.href(),
                        ),
                    };
                    let (name, school, _) = child_line(l, child, language.get());
                    (kind, class, name, school, detail, href)
                })
                .collect::<Vec<_>>()
        })
    });
    let expanded = RwSignal::new(false);
    view! {
        <section class="card todo" id="todo">
            <h2>{move || t().todo_title}" ("{move || items.with(Vec::len)}")"</h2>
            <Show when=move || items.with(Vec::is_empty)><p class="muted">{move || t().todo_empty}</p></Show>
            <p class="todo-summary">
                {move || {
                    let mut counts: Vec<(&'static str, &'static str, usize)> = Vec::new();
                    for (kind, class, ..) in items.get() {
                        match counts.iter_mut().find(|c| c.0 == kind) {
                            Some(c) => c.2 += 1,
                            None => counts.push((kind, class, 1)),
                        }
                    }
                    counts.into_iter().map(|(kind, class, n)| view! { <span class=format!("{class} chip")><span class="kind">{kind}</span>" "<strong>{n}</strong></span> }).collect_view()
                }}
            </p>
            <ul>
                {move || {
                    let all = items.get();
                    let n = if expanded.get() { all.len() } else { SHOWN };
                    all.into_iter().take(n).map(|(kind, class, name, school, detail, href)| view! {
                        <li class=class>
                            <span class="kind">{kind}</span>
                            <a href=href>{name}</a>
                            <span class="muted">{school}" · "{detail}</span>
                        </li>
                    }).collect_view()
                }}
            </ul>
            <Show when=move || !expanded.get() && items.with(|i| i.len() > SHOWN)>
                <button class="link" on:click=move |_| expanded.set(true)>{move || format!("… +{}", items.with(|i| i.len() - SHOWN))}</button>
            </Show>
        </section>
    }
}
