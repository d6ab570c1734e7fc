//! Add or edit a child. The ID number fills in birth date and sex; disagreements are shown.

use baoxue_core::ledger::SaveError;
use baoxue_core::model::{
    Address, Child, DisabilityCategory, Guardian, Labelled, Lang, Localized, NoIdReason, Relation,
    Sex, SpecialGroup, Status, ETHNICITIES,
};
use baoxue_core::rules::id_number::IdNumber;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::browser::{mark, measure};
use crate::browser::{now, today};
use crate::components::select::EnumSelect;
use crate::i18n::{fill, text};
use crate::route::Route;
use crate::state::{Database, Language, Ledgers, Navigation, Notices, Office};
use crate::store;

/// Drafts of a form in this tab's session storage: text only, gone with the tab.
mod draft {
    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.session_storage().ok()?
    }

    pub fn read(key: &str) -> Option<Vec<(String, String)>> {
        let text = storage()?.get_item(key).ok()??;
        serde_json::from_str(&text).ok()
    }

    pub fn write(key: &str, fields: &[(&str, String)]) {
        if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(fields)) {
            let _ = s.set_item(key, &text);
        }
    }

    pub fn forget(key: &str) {
        if let Some(s) = storage() {
            let _ = s.remove_item(key);
        }
    }
}

/// The 户籍地/现居住地 choice for a place outside the county.
const OUTSIDE: &str = "outside";

/// How the form's township choice shows a stored place: its township, else 县外.
fn place_value(a: &Address) -> String {
    a.township_code.clone().unwrap_or_else(|| OUTSIDE.into())
}

/// Every editable field as a signal.
#[derive(Clone, Copy)]
struct Fields {
    id_number: RwSignal<String>,
    has_no_id: RwSignal<bool>,
    no_id_reason: RwSignal<Option<NoIdReason>>,
    name: RwSignal<String>,
    sex: RwSignal<Option<Sex>>,
    birth_date: RwSignal<String>,
    ethnicity: RwSignal<String>,
    hukou_township: RwSignal<String>,
    hukou_detail: RwSignal<String>,
    residence_township: RwSignal<String>,
    residence_detail: RwSignal<String>,
    guardian_name: RwSignal<String>,
    guardian_relation: RwSignal<Option<Relation>>,
    guardian_phone: RwSignal<String>,
    parents_away: RwSignal<bool>,
    student_number: RwSignal<String>,
    school: RwSignal<String>,
    grade: RwSignal<String>,
    class_name: RwSignal<String>,
    status: RwSignal<Option<Status>>,
    groups: RwSignal<Vec<SpecialGroup>>,
    disability: RwSignal<Option<DisabilityCategory>>,
    note: RwSignal<String>,
}

impl Fields {
    fn from(c: Option<&Child>) -> Self {
        let s = |v: String| RwSignal::new(v);
        Fields {
            id_number: s(c
                .and_then(|c| c.id_number.as_ref())
                .map(|i| i.to_string())
                .unwrap_or_default()),
            has_no_id: RwSignal::new(c.is_some_and(|c| c.id_number.is_none())),
            no_id_reason: RwSignal::new(c.and_then(|c| c.no_id_reason)),
            name: s(c.map(|c| c.name.clone()).unwrap_or_default()),
            sex: RwSignal::new(c.map(|c| c.sex)),
            birth_date: s(c.map(|c| c.birth_date.to_string()).unwrap_or_default()),
            ethnicity: s(c
                .map(|c| c.ethnicity.clone())
                .unwrap_or_else(|| "汉族".into())),
            hukou_township: s(c.map_or(String::new(), |c| place_value(&c.hukou))),
            hukou_detail: s(c.map(|c| c.hukou.detail.clone()).unwrap_or_default()),
            residence_township: s(c.map_or(String::new(), |c| place_value(&c.residence))),
            residence_detail: s(c.map(|c| c.residence.detail.clone()).unwrap_or_default()),
            guardian_name: s(c.map(|c| c.guardian.name.clone()).unwrap_or_default()),
            guardian_relation: RwSignal::new(Some(
                c.map(|c| c.guardian.relation).unwrap_or(Relation::Father),
            )),
            guardian_phone: s(c.map(|c| c.guardian.phone.clone()).unwrap_or_default()),
            parents_away: RwSignal::new(c.is_some_and(|c| c.parents_away)),
            student_number: s(c.and_then(|c| c.student_number.clone()).unwrap_or_default()),
            school: s(c
                .and_then(|c| c.school_id)
                .map(|i| i.to_string())
                .unwrap_or_default()),
            grade: s(c
                .and_then(|c| c.grade)
                .map(|g| g.to_string())
                .unwrap_or_default()),
            class_name: s(c.map(|c| c.class_name.clone()).unwrap_or_default()),
            status: RwSignal::new(Some(c.map(|c| c.status).unwrap_or(Status::InSchool))),
            groups: RwSignal::new(c.map(|c| c.groups.clone()).unwrap_or_default()),
            disability: RwSignal::new(c.and_then(|c| c.disability)),
            note: s(c.map(|c| c.note.clone()).unwrap_or_default()),
        }
    }

    /// What is typed so far, to keep across a reload: every field as text.
    fn draft(self) -> Vec<(&'static str, String)> {
        let key = |v: Option<&'static str>| v.unwrap_or_default().to_string();
        let flag = |b: bool| if b { "1" } else { "" }.to_string();
        vec![
            ("id_number", self.id_number.get()),
            ("has_no_id", flag(self.has_no_id.get())),
            (
                "no_id_reason",
                key(self.no_id_reason.get().map(Labelled::key)),
            ),
            ("name", self.name.get()),
            ("sex", key(self.sex.get().map(Labelled::key))),
            ("birth_date", self.birth_date.get()),
            ("ethnicity", self.ethnicity.get()),
            ("hukou_township", self.hukou_township.get()),
            ("hukou_detail", self.hukou_detail.get()),
            ("residence_township", self.residence_township.get()),
            ("residence_detail", self.residence_detail.get()),
            ("guardian_name", self.guardian_name.get()),
            (
                "guardian_relation",
                key(self.guardian_relation.get().map(Labelled::key)),
            ),
            ("guardian_phone", self.guardian_phone.get()),
            ("parents_away", flag(self.parents_away.get())),
            ("student_number", self.student_number.get()),
            ("school", self.school.get()),
            ("grade", self.grade.get()),
            ("class_name", self.class_name.get()),
            ("status", key(self.status.get().map(Labelled::key))),
            (
                "groups",
                self.groups
                    .get()
                    .iter()
                    .map(|g| g.key())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            ("disability", key(self.disability.get().map(Labelled::key))),
            ("note", self.note.get()),
        ]
    }

    /// Puts a kept draft back into the form.
    fn restore(self, draft: &[(String, String)]) {
        fn parse<T: Labelled>(v: &str) -> Option<T> {
            T::ALL.iter().copied().find(|x| x.key() == v)
        }
        for (k, v) in draft {
            let v = v.as_str();
            match k.as_str() {
                "id_number" => self.id_number.set(v.into()),
                "has_no_id" => self.has_no_id.set(!v.is_empty()),
                "no_id_reason" => self.no_id_reason.set(parse(v)),
                "name" => self.name.set(v.into()),
                "sex" => self.sex.set(parse(v)),
                "birth_date" => self.birth_date.set(v.into()),
                "ethnicity" => self.ethnicity.set(v.into()),
                "hukou_township" => self.hukou_township.set(v.into()),
                "hukou_detail" => self.hukou_detail.set(v.into()),
                "residence_township" => self.residence_township.set(v.into()),
                "residence_detail" => self.residence_detail.set(v.into()),
                "guardian_name" => self.guardian_name.set(v.into()),
                "guardian_relation" => self.guardian_relation.set(parse(v)),
                "guardian_phone" => self.guardian_phone.set(v.into()),
                "parents_away" => self.parents_away.set(!v.is_empty()),
                "student_number" => self.student_number.set(v.into()),
                "school" => self.school.set(v.into()),
                "grade" => self.grade.set(v.into()),
                "class_name" => self.class_name.set(v.into()),
                "status" => self.status.set(parse(v)),
                "groups" => self.groups.set(v.split(',').filter_map(parse).collect()),
                "disability" => self.disability.set(parse(v)),
                "note" => self.note.set(v.into()),
                _ => {}
            }
        }
    }

    /// The record as entered, or the reasons it cannot be one.
    fn to_child(self, base: Option<&Child>, lang: Lang) -> Result<Child, Vec<String>> {
        let mut errors = Vec::new();
        let t = text(lang);
        let id_number = if self.has_no_id.get_untracked() {
            None
        } else {
            match IdNumber::parse(&self.id_number.get_untracked()) {
                Ok(id) => Some(id),
                Err(e) => {
                    errors.push(e.say(lang));
                    None
                }
            }
        };
        let birth = NaiveDate::parse_from_str(self.birth_date.get_untracked().trim(), "%Y-%m-%d")
            .ok()
            .or_else(|| id_number.as_ref().map(IdNumber::birth_date));
        let sex = self
            .sex
            .get_untracked()
            .or_else(|| id_number.as_ref().map(IdNumber::sex));
        // A wrong ID number is the cause of a missing birth date and sex: say only that.
        if errors.is_empty() && birth.is_none() {
            errors.push(t.cf_need_birth.into());
        }
        if errors.is_empty() && sex.is_none() {
            errors.push(t.cf_need_sex.into());
        }
        let grade = self.grade.get_untracked().parse::<u8>().ok();
        let opt = |s: String| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let hukou_township = self.hukou_township.get_untracked();
        if hukou_township.is_empty() {
            errors.push(t.cf_need_hukou.into());
        }
        let town = |v: String| opt(v).filter(|v| v != OUTSIDE);
        // The residence left on 同户籍地 is where the household is registered.
        let residence_township = Some(self.residence_township.get_untracked())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| hukou_township.clone());
        if !errors.is_empty() {
            return Err(errors);
        }
        let groups = self.groups.get_untracked();
        Ok(Child {
            id: base.map(|c| c.id).unwrap_or_else(Uuid::new_v4),
            no_id_reason: if id_number.is_none() {
                self.no_id_reason.get_untracked()
            } else {
                None
            },
            id_number,
            name: self.name.get_untracked().trim().to_string(),
            sex: sex.unwrap_or(Sex::Male),
            birth_date: birth.unwrap_or_default(),
            ethnicity: self.ethnicity.get_untracked(),
            hukou: Address {
                township_code: town(hukou_township),
                detail: self.hukou_detail.get_untracked().trim().to_string(),
            },
            residence: Address {
                township_code: town(residence_township),
                detail: self.residence_detail.get_untracked().trim().to_string(),
            },
            guardian: Guardian {
                name: self.guardian_name.get_untracked().trim().to_string(),
                relation: self
                    .guardian_relation
                    .get_untracked()
                    .unwrap_or(Relation::Other),
                phone: self.guardian_phone.get_untracked().trim().to_string(),
            },
            parents_away: self.parents_away.get_untracked(),
            student_number: opt(self.student_number.get_untracked()),
            school_id: Uuid::parse_str(&self.school.get_untracked()).ok(),
            grade,
            class_name: self.class_name.get_untracked().trim().to_string(),
            status: self.status.get_untracked().unwrap_or(Status::InSchool),
            disability: if groups.contains(&SpecialGroup::Disabled) {
                self.disability.get_untracked()
            } else {
                None
            },
            groups,
            note: self.note.get_untracked().trim().to_string(),
            previous_year: base.and_then(|c| c.previous_year),
            roll: base.and_then(|c| c.roll.clone()),
            revision: base.map(|c| c.revision).unwrap_or(0),
            updated_at: now(),
        })
    }
}

/// The add/edit form. `id` is the child to edit, `None` to add one.
#[component]
pub fn ChildForm(id: Option<Uuid>) -> impl IntoView {
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let nav = expect_context::<Navigation>();
    let database = expect_context::<Database>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let t = move || text(language.get());
    let base = id.and_then(|id| ledgers.ledger.with_untracked(|l| l.child(id).cloned()));
    if id.is_some() && base.is_none() {
        return view! { <p class="card error">{move || t().child_not_found}</p> }.into_any();
    }
    let f = Fields::from(base.as_ref());
    if base.is_none() {
        // A school's or a township's own children are mostly registered where it is.
        let home = office.installation.with_untracked(|i| {
            let i = i.as_ref()?;
            i.school_id
                .and_then(|id| {
                    ledgers
                        .ledger
                        .with_untracked(|l| l.school(id).map(|s| s.township_code.clone()))
                })
                .or_else(|| {
                    i.divisions
                        .last()
                        .filter(|d| d.code.len() == 9)
                        .map(|d| d.code.clone())
                })
        });
        if let Some(home) = home.filter(|h| !h.is_empty()) {
            f.hukou_township.set(home);
        }
        // A school registers its own pupils.
        if let Some(own) = office
            .installation
            .with_untracked(|i| i.as_ref()?.school_id)
        {
            f.school.set(own.to_string());
        }
    }
    let errors = RwSignal::new(Vec::<String>::new());
    let saving = RwSignal::new(false);
    // A half-filled form survives a reload: kept in this tab's session storage while it
    // differs from what it started with, offered back when the form opens again.
    let draft_key = format!(
        "baoxue-draft-child-{}",
        id.map_or("new".into(), |i| i.to_string())
    );
    let initial = untrack(|| f.draft());
    let restored = RwSignal::new(false);
    if let Some(kept) = draft::read(&draft_key) {
        f.restore(&kept);
        restored.set(true);
    }
    // The form's text, read once per change for both the comparison and the draft.
    let typed = Memo::new(move |_| f.draft());
    let dirty = {
        let initial = initial.clone();
        Memo::new(move |_| typed.with(|t| *t != initial))
    };
    {
        let key = draft_key.clone();
        Effect::new(move |_| {
            if dirty.get() {
                typed.with(|t| draft::write(&key, t));
            } else {
                draft::forget(&key);
            }
        });
    }
    // Leaving with unsaved input asks first, and keeps the draft then and there: the effect
    // above runs a tick after a keystroke, which a reload at once would not wait for.
    let leave_key = draft_key.clone();
    let leave = window_event_listener(leptos::ev::beforeunload, move |e| {
        if dirty.try_get_untracked() == Some(true) && saving.try_get_untracked() == Some(false) {
            typed.with_untracked(|t| draft::write(&leave_key, t));
            e.prevent_default();
            e.set_return_value("");
        }
    });
    on_cleanup(move || leave.remove());
    let discard = {
        let key = draft_key.clone();
        // Back to what the form opened with (a school's own township preselected included).
        let start: Vec<(String, String)> = initial
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        move |_| {
            draft::forget(&key);
            f.restore(&start);
            restored.set(false);
        }
    };

    // What the ID number says, live.
    let parsed = Memo::new(move |_| {
        let raw = f.id_number.get();
        if f.has_no_id.get() || raw.trim().is_empty() {
            None
        } else {
            Some(IdNumber::parse(&raw).map_err(|e| e.say(language.get())))
        }
    });
    Effect::watch(
        move || parsed.get(),
        move |p, _, _| {
            if let Some(Ok(id)) = p {
                f.birth_date.set(id.birth_date().to_string());
                f.sex.set(Some(id.sex()));
            }
        },
        false,
    );
    let id_error = move || match parsed.get() {
        Some(Err(e)) if f.id_number.with(|s| s.trim().chars().count() >= 15) => Some(e),
        _ => None,
    };
    let disagreements = move || {
        let Some(Ok(id)) = parsed.get() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if let Ok(b) = NaiveDate::parse_from_str(f.birth_date.get().trim(), "%Y-%m-%d") {
            if b != id.birth_date() {
                out.push(fill(
                    text(language.get()).cf_birth_disagrees,
                    &[&b.to_string(), &id.birth_date().to_string()],
                ));
            }
        }
        if let Some(s) = f.sex.get() {
            if s != id.sex() {
                let lang = language.get();
                out.push(fill(
                    text(lang).cf_sex_disagrees,
                    &[s.label(lang), id.sex().label(lang)],
                ));
            }
        }
        out
    };
    let age_hint = move || {
        NaiveDate::parse_from_str(f.birth_date.get().trim(), "%Y-%m-%d")
            .ok()
            .map(|b| {
                use baoxue_core::rules::school_age::*;
                let today = today();
                let g = expected_grade(b, school_year_of(today));
                let lang = language.get();
                let grade = if (1..=9).contains(&g) {
                    format!("{g}")
                } else if g < 1 {
                    "—".into()
                } else {
                    "9+".into()
                };
                format!(
                    "{} {} · {} {}",
                    text(lang).age,
                    age_on(b, today),
                    text(lang).expected_grade,
                    grade
                )
            })
    };

    let base_for_save = base.clone();
    let saved_key = draft_key.clone();
    let cancel_key = draft_key.clone();
    let save = move |_| {
        let saved_key = saved_key.clone();
        let lang = language.get_untracked();
        let child = match f.to_child(base_for_save.as_ref(), lang) {
            Ok(c) => c,
            Err(e) => {
                errors.set(e);
                return;
            }
        };
        let operator = office.operator();
        let prepared = ledgers
            .ledger
            .with_untracked(|l| l.prepare_save(child, &operator, now()));
        let prepared = match prepared {
            Ok(p) => p,
            Err(e) => {
                errors.set(match e {
                    SaveError::Invalid(problems) => problems.iter().map(|p| p.say(lang)).collect(),
                    e => vec![e.say(lang)],
                });
                return;
            }
        };
        errors.set(Vec::new());
        saving.set(true);
        spawn_local(async move {
            let Some(db) = database.db() else { return };
            mark("baoxue-save-start");
            let result = store::save_child(&db, &prepared).await;
            measure("baoxue-save", "baoxue-save-start");
            saving.set(false);
            match result {
                Ok(()) => {
                    draft::forget(&saved_key);
                    let id = prepared.child.id;
                    let warnings: Vec<String> =
                        prepared.warnings.iter().map(|w| w.say(lang)).collect();
                    ledgers.update_ledger(|l| l.apply(prepared));
                    let t = text(language.get_untracked());
                    if warnings.is_empty() {
                        notices.info(t.saved);
                    } else {
                        notices.info(format!(
                            "{}{}{}{}{}",
                            t.saved,
                            t.full_stop,
                            t.warnings,
                            t.colon,
                            warnings.join(crate::i18n::sep(language.get_untracked(), true))
                        ));
                    }
                    nav.navigate(Route::Child(id));
                }
                Err(e) => errors.set(vec![e.say(lang)]),
            }
        });
    };

    let townships = move || {
        office
            .installation
            .with(|i| i.as_ref().map(|i| i.townships.clone()).unwrap_or_default())
    };
    // Nothing chosen is a question for 户籍地 and "the same" for 现居住地; 县外 is said outright.
    let township_select = move |value: RwSignal<String>, id: &'static str, hukou: bool| {
        let unset = move || {
            if hukou {
                t().choose_township
            } else {
                t().same_as_hukou
            }
        };
        view! {
            <select id=id on:change=move |ev| value.set(event_target_value(&ev))>
                <option value="" selected=move || value.get().is_empty()>{unset}</option>
                {move || townships().into_iter().map(|d| {
                    let code = d.code.clone();
                    view! { <option value=d.code selected=move || value.get() == code>{d.name}</option> }
                }).collect_view()}
                <option value=OUTSIDE selected=move || value.get() == OUTSIDE>{move || t().outside_county}</option>
            </select>
        }
    };
    let schools = move || {
        ledgers.with_ledger(|l| {
            l.schools()
                .iter()
                .map(|s| (s.id.to_string(), s.name.clone()))
                .collect::<Vec<_>>()
        })
    };
    let cancel_href = base
        .as_ref()
        .map(|c| Route::Child(c.id).href())
        .unwrap_or_else(|| Route::Children.href());
    let title = move || match &base {
        Some(c) => format!("{}{}{}", t().edit, t().colon, c.name),
        None => t().add_child.to_string(),
    };

    view! {
        <h1>{title}</h1>
        <Show when=move || restored.get()>
            <div class="notice info" id="draft-restored">
                {move || t().draft_restored}
                <button type="button" class="link" id="discard-draft" on:click=discard.clone()>{move || t().draft_discard}</button>
            </div>
        </Show>
        <form class="child-form" on:submit=|ev| ev.prevent_default()>
            <fieldset>
                <legend>{move || t().section_identity}</legend>
                <div class="form-grid">
                    <label class="field wide">
                        <span>{move || t().id_number}</span>
                        <input id="f-id-number" class="mono" maxlength="24" bind:value=f.id_number disabled=f.has_no_id autocomplete="off"/>
                        <small class="hint">{move || t().id_hint}</small>
                        {move || id_error().map(|e| view! { <small class="error" id="id-error">{e}</small> })}
                    </label>
                    <label class="field check">
                        <input type="checkbox" id="f-no-id" bind:checked=f.has_no_id/>
                        <span>{move || t().has_no_id}</span>
                    </label>
                    <Show when=move || f.has_no_id.get()>
                        <label class="field">
                            <span>{move || t().no_id_reason}</span>
                            <EnumSelect value=f.no_id_reason empty=Signal::derive(move || t().choose) id="f-no-id-reason".to_string()/>
                        </label>
                    </Show>
                    <label class="field">
                        <span>{move || t().name}</span>
                        <input id="f-name" bind:value=f.name/>
                    </label>
                    <label class="field">
                        <span>{move || t().sex}</span>
                        <EnumSelect value=f.sex empty=Signal::derive(move || t().choose) id="f-sex".to_string()/>
                    </label>
                    <label class="field">
                        <span>{move || t().birth_date}</span>
                        <input id="f-birth" type="date" bind:value=f.birth_date/>
                        <small class="hint">{age_hint}</small>
                    </label>
                    <label class="field">
                        <span>{move || t().ethnicity}</span>
                        <select id="f-ethnicity" on:change=move |ev| f.ethnicity.set(event_target_value(&ev))>
                            {ETHNICITIES.iter().map(|e| view! { <option value=*e selected=move || f.ethnicity.get() == *e>{*e}</option> }).collect_view()}
                        </select>
                    </label>
                </div>
                {move || {
                    let d = disagreements();
                    (!d.is_empty()).then(|| view! { <div class="warning" id="id-disagreement">{d.join("；")}</div> })
                }}
            </fieldset>
            <fieldset>
                <legend>{move || t().section_family}</legend>
                <div class="form-grid">
                    <label class="field"><span>{move || t().hukou}</span>{township_select(f.hukou_township, "f-hukou-township", true)}</label>
                    <label class="field"><span>{move || t().address_detail}</span><input id="f-hukou-detail" bind:value=f.hukou_detail/></label>
                    <label class="field"><span>{move || t().residence}</span>{township_select(f.residence_township, "f-residence-township", false)}</label>
                    <label class="field"><span>{move || t().address_detail}</span><input id="f-residence-detail" bind:value=f.residence_detail/></label>
                    <label class="field"><span>{move || t().guardian_name}</span><input id="f-guardian" bind:value=f.guardian_name/></label>
                    <label class="field"><span>{move || t().guardian_relation}</span><EnumSelect value=f.guardian_relation id="f-relation".to_string()/></label>
                    <label class="field"><span>{move || t().guardian_phone}</span><input id="f-phone" type="tel" bind:value=f.guardian_phone/></label>
                    <label class="field check"><input type="checkbox" id="f-parents-away" bind:checked=f.parents_away/><span>{move || t().parents_away}</span></label>
                </div>
            </fieldset>
            <fieldset>
                <legend>{move || t().section_school}</legend>
                <div class="form-grid">
                    <label class="field"><span>{move || t().status}</span><EnumSelect value=f.status id="f-status".to_string()/></label>
                    <label class="field">
                        <span>{move || t().school}</span>
                        <select id="f-school" on:change=move |ev| f.school.set(event_target_value(&ev))>
                            <option value="">{move || t().none}</option>
                            {move || schools().into_iter().map(|(id, name)| {
                                let v = id.clone();
                                view! { <option value=id selected=move || f.school.get() == v>{name}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <label class="field">
                        <span>{move || t().grade}</span>
                        <select id="f-grade" on:change=move |ev| f.grade.set(event_target_value(&ev))>
                            <option value="">{move || t().none}</option>
                            {(1..=9u8).map(|g| view! { <option value=g.to_string() selected=move || f.grade.get() == g.to_string()>{g}</option> }).collect_view()}
                        </select>
                    </label>
                    <label class="field"><span>{move || t().class_name}</span><input id="f-class" bind:value=f.class_name/></label>
                    <label class="field"><span>{move || t().student_number}</span><input id="f-student-number" class="mono" bind:value=f.student_number/></label>
                </div>
            </fieldset>
            <fieldset>
                <legend>{move || t().section_groups}</legend>
                <div class="checks">
                    {SpecialGroup::ALL.iter().map(|g| {
                        let g = *g;
                        view! {
                            <label class="check">
                                <input type="checkbox" id=format!("f-group-{}", g.key())
                                    prop:checked=move || f.groups.with(|v| v.contains(&g))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        f.groups.update(|v| {
                                            v.retain(|x| *x != g);
                                            if on { v.push(g); v.sort(); }
                                        });
                                    }/>
                                <span>{move || g.label(language.get())}</span>
                            </label>
                        }
                    }).collect_view()}
                </div>
                <Show when=move || f.groups.with(|v| v.contains(&SpecialGroup::Disabled))>
                    <label class="field">
                        <span>{move || t().disability}</span>
                        <EnumSelect value=f.disability empty=Signal::derive(move || t().choose) id="f-disability".to_string()/>
                    </label>
                </Show>
                <label class="field wide"><span>{move || t().note}</span><textarea id="f-note" bind:value=f.note></textarea></label>
            </fieldset>
            {move || {
                let e = errors.get();
                (!e.is_empty()).then(|| view! {
                    <div class="errors" role="alert" id="form-errors">
                        <strong>{t().fix_errors}</strong>
                        <ul>{e.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
                    </div>
                })
            }}
            <div class="actions">
                <button type="button" id="save-child" class="primary" disabled=saving on:click=save>{move || t().save}</button>
                <a class="button" href=cancel_href on:click=move |_| draft::forget(&cancel_key)>{move || t().cancel}</a>
            </div>
        </form>
    }
    .into_any()
}
