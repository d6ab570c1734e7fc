//! 适龄儿童台账: search, filter, sort and page the whole ledger.

use baoxue_core::ledger::query::SortKey;
use baoxue_core::model::{Child, Labelled, Lang};
use leptos::prelude::*;

use crate::browser::{mark, measure};
use crate::components::download::ExportButtons;
use crate::components::pager::Pager;
use crate::components::select::EnumSelect;
use crate::i18n::text;
use crate::route::Route;
use crate::state::{Language, Ledgers, Office};
use baoxue_core::model::format_count;

#[component]
pub fn ChildrenPage() -> impl IntoView {
    let language = expect_context::<Language>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let f = ledgers.filters;
    let t = move || text(language.get());
    let hits = Memo::new(move |_| {
        let q = f.query();
        mark("baoxue-query-start");
        let hits = ledgers.with_ledger(|l| l.query(&q));
        measure("baoxue-query", "baoxue-query-start");
        hits
    });
    // A changed filter goes back to the first page.
    Effect::watch(move || f.query(), move |_, _, _| f.page.set(0), false);
    let total = Signal::derive(move || hits.with(Vec::len));
    let rows = move || {
        let (page, size) = (f.page.get(), f.page_size.get());
        hits.with(|h| {
            ledgers.with_ledger(|l| {
                l.page(h, page, size)
                    .into_iter()
                    .map(|c| row_data(l, c))
                    .collect::<Vec<_>>()
            })
        })
    };

    view! {
        <div class="title-row">
            <h1>{move || t().nav_children}</h1>
            <div class="actions">
                <ExportButtons id="export-children" print=Route::Print(crate::route::PrintLedger::Children) table=move || {
                    let title = format!("{}适龄儿童台账", office.unit_short_name());
                    hits.with_untracked(|h| ledgers.ledger.with_untracked(|l| baoxue_core::export::children_table(l, h, &title)))
                }/>
                <a class="button" id="import-roll" href=Route::RollImport.href()>{move || t().roll_title}</a>
                <a class="button primary" id="add-child" href=Route::NewChild.href()>{move || t().add_child}</a>
            </div>
        </div>
        <Filters/>
        <div class="list-meta">
            <span id="result-count">{move || format!("{} {}", format_count(total.get()), t().results)}</span>
            <Pager page=f.page total=total size=f.page_size/>
        </div>
        <div class="table-wrap">
            <table class="grid" id="children-table">
                <thead>
                    <tr>
                        <SortHeader key=SortKey::Name label=move || t().col_name/>
                        <th>{move || t().col_sex}</th>
                        <SortHeader key=SortKey::IdNumber label=move || t().col_id/>
                        <SortHeader key=SortKey::BirthDate label=move || t().col_birth/>
                        <th>{move || t().col_township}</th>
                        <SortHeader key=SortKey::Ledger label=move || t().school/>
                        <SortHeader key=SortKey::Grade label=move || t().grade/>
                        <th>{move || t().col_class}</th>
                        <SortHeader key=SortKey::Status label=move || t().status/>
                        <th>{move || t().col_groups}</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        let lang = language.get();
                        rows().into_iter().map(|r| child_row(r, lang)).collect_view()
                    }}
                </tbody>
            </table>
            <Show when=move || total.get() == 0>
                <p class="empty">{move || t().no_match}</p>
            </Show>
        </div>
        <div class="list-meta bottom">
            <label>
                {move || t().per_page} " "
                <select id="page-size" prop:value=move || f.page_size.get().to_string() on:change=move |ev| {
                    // The first row on screen stays on screen.
                    let size = event_target_value(&ev).parse().unwrap_or(50usize).max(1);
                    let first = f.page.get_untracked() * f.page_size.get_untracked();
                    f.page_size.set(size);
                    f.page.set(first / size);
                }>
                    {[20usize, 50, 100, 200].into_iter().map(|n| view! {
                        <option value=n.to_string() selected=move || f.page_size.get() == n>{n}</option>
                    }).collect_view()}
                </select>
            </label>
            <Pager page=f.page total=total size=f.page_size/>
        </div>
    }
}

/// What one table row shows, resolved from the ledger.
struct RowData {
    child: Child,
    township: String,
    school: String,
}

fn row_data(l: &baoxue_core::ledger::Ledger, c: &Child) -> RowData {
    RowData {
        township: l
            .township_of(c)
            .map(|code| l.township_name(code).to_string())
            .unwrap_or_default(),
        school: l.names_for(c).school,
        child: c.clone(),
    }
}

fn child_row(r: RowData, lang: Lang) -> impl IntoView {
    let c = r.child;
    let href = Route::Child(c.id).href();
    let t = text(lang);
    let id = c
        .id_number
        .as_ref()
        .map(|i| i.to_string())
        .unwrap_or_else(|| {
            format!(
                "{}（{}）",
                t.no_id,
                c.no_id_reason.map(|r| r.label(lang)).unwrap_or("")
            )
        });
    let groups = c
        .groups
        .iter()
        .map(|g| g.label(lang))
        .collect::<Vec<_>>()
        .join("、");
    let status_class = format!("status s-{}", c.status.key());
    view! {
        <tr>
            <td><a href=href>{c.name}</a></td>
            <td>{c.sex.label(lang)}</td>
            <td class="mono">{id}</td>
            <td class="nowrap">{c.birth_date.to_string()}</td>
            <td>{r.township}</td>
            <td>{r.school}</td>
            <td class="num">{c.grade}</td>
            <td>{c.class_name}</td>
            <td><span class=status_class>{c.status.label(lang)}</span></td>
            <td class="groups">{groups}</td>
        </tr>
    }
}

/// A column header that sorts by its key; a second click reverses.
#[component]
fn SortHeader(
    /// Sort key of the column.
    key: SortKey,
    /// Header text.
    label: impl Fn() -> &'static str + Send + Sync + 'static,
) -> impl IntoView {
    let f = expect_context::<Ledgers>().filters;
    let arrow = move || {
        if f.sort.get() != key {
            ""
        } else if f.descending.get() {
            " ▼"
        } else {
            " ▲"
        }
    };
    view! {
        <th class="sortable" on:click=move |_| {
            if f.sort.get_untracked() == key {
                f.descending.update(|d| *d = !*d);
            } else {
                f.sort.set(key);
                f.descending.set(false);
            }
        }>{label}{arrow}</th>
    }
}

/// The filter bar.
#[component]
fn Filters() -> impl IntoView {
    let language = expect_context::<Language>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let f = ledgers.filters;
    let t = move || text(language.get());
    let all = Signal::derive(move || t().all);
    let townships = move || {
        office
            .installation
            .with(|i| i.as_ref().map(|i| i.townships.clone()).unwrap_or_default())
    };
    let schools = move || {
        let town = f.township.get();
        ledgers.with_ledger(|l| {
            l.schools()
                .iter()
                .filter(|s| town.as_ref().is_none_or(|t| &s.township_code == t))
                .map(|s| (s.id, s.name.clone()))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <div class="filters">
            <input
                id="search"
                class="search"
                type="search"
                placeholder=move || t().search
                prop:value=move || f.text.get()
                on:input=move |ev| f.text.set(event_target_value(&ev))
            />
            <label>
                <span>{move || t().township}</span>
                <select id="filter-township" prop:value=move || f.township.get().unwrap_or_default() on:change=move |ev| {
                    let v = event_target_value(&ev);
                    f.township.set(Some(v).filter(|v| !v.is_empty()));
                    f.school.set(None);
                }>
                    <option value="">{move || t().all}</option>
                    {move || townships().into_iter().map(|d| {
                        let code = d.code.clone();
                        view! { <option value=d.code selected=move || f.township.get().as_deref() == Some(code.as_str())>{d.name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>
                <span>{move || t().school}</span>
                <select id="filter-school" prop:value=move || f.school.get().map(|s| s.to_string()).unwrap_or_default() on:change=move |ev| f.school.set(uuid::Uuid::parse_str(&event_target_value(&ev)).ok())>
                    <option value="">{move || t().all}</option>
                    {move || schools().into_iter().map(|(id, name)| view! {
                        <option value=id.to_string() selected=move || f.school.get() == Some(id)>{name}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>
                <span>{move || t().grade}</span>
                <select id="filter-grade" prop:value=move || f.grade.get().map(|g| g.to_string()).unwrap_or_default() on:change=move |ev| f.grade.set(event_target_value(&ev).parse().ok())>
                    <option value="">{move || t().all}</option>
                    {(1..=9u8).map(|g| view! { <option value=g.to_string() selected=move || f.grade.get() == Some(g)>{g}</option> }).collect_view()}
                </select>
            </label>
            <label><span>{move || t().stage}</span><EnumSelect value=f.stage empty=all id="filter-stage".to_string()/></label>
            <label><span>{move || t().status}</span><EnumSelect value=f.status empty=all id="filter-status".to_string()/></label>
            <label><span>{move || t().group}</span><EnumSelect value=f.group empty=all id="filter-group".to_string()/></label>
            <button class="link" id="clear-filters" on:click=move |_| f.reset()>{move || t().clear_filters}</button>
        </div>
    }
}
