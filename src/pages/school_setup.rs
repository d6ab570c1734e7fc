//! 学校安装文件: the county writes one per school (学校 page); a school's first start installs
//! from it instead of typing (set-up page).

use baoxue_core::exchange::holdings::UpperKey;
use baoxue_core::exchange::school_setup::{SchoolSetup, SCHOOL_SETUP_KIND};
use baoxue_core::exchange::{
    bundle_text, check_passphrase, check_public_key, encrypt, read_payload, write_bundle, OfficeKey,
};
use baoxue_core::ledger::Ledger;
use baoxue_core::model::{AuditAction, AuditEntry, Localized};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::browser::now;
use crate::components::download::{safe_file_name, save_file};
use crate::i18n::{fill, text};
use crate::route::Route;
use crate::state::{Database, Exchange, Installer, Language, Ledgers, Navigation, Notices, Office};
use crate::store;

/// The file name a school's set-up file is saved under.
fn file_name(school: &str, encrypted: bool) -> String {
    safe_file_name(
        &format!("学校安装文件_{school}"),
        if encrypted { "baoxue" } else { "json" },
    )
}

/// 学校 → 生成学校安装文件, for one school or all of them.
#[component]
pub fn MakeSetupFiles() -> impl IntoView {
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let database = expect_context::<Database>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let exchange = expect_context::<Exchange>();
    let t = move || text(language.get());
    let chosen = RwSignal::new(String::new());
    let with_children = RwSignal::new(false);
    let pass = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let schools = move || {
        ledgers.with_ledger(|l| {
            l.schools()
                .iter()
                .map(|s| (s.id, s.name.clone()))
                .collect::<Vec<_>>()
        })
    };
    let make = move |_| {
        error.set(None);
        let ids: Vec<Uuid> = match chosen.get_untracked().as_str() {
            "" => return error.set(Some(text(language.get_untracked()).ss_choose_school.into())),
            "all" => schools().into_iter().map(|(id, _)| id).collect(),
            id => Uuid::parse_str(id).into_iter().collect(),
        };
        let children = with_children.get_untracked();
        let pass = pass.get_untracked();
        if let (true, Err(e)) = (children, check_passphrase(&pass)) {
            return error.set(Some(format!(
                "{}{}",
                text(language.get_untracked()).ss_must_encrypt,
                e.say(language.get_untracked())
            )));
        }
        let Some(inst) = office.installation.get_untracked() else {
            return;
        };
        spawn_local(async move {
            let operator = office.operator();
            let settings = ledgers.casebook.with_untracked(|b| b.settings.clone());
            // The county's public key goes with every file: its schools' reports are sealed to it.
            let county_key = match exchange.office_key(&operator).await {
                Ok(k) => k.public,
                Err(e) => return error.set(Some(e.say(language.get_untracked()))),
            };
            let mut made = Vec::new();
            for id in &ids {
                let file = ledgers.ledger.with_untracked(|l| {
                    SchoolSetup::for_school(&inst, l, &settings, *id, children, (&operator, now()))
                });
                let lang = language.get_untracked();
                let result = file.map_err(|e| e.say(lang)).and_then(|mut setup| {
                    setup.county_key = Some(county_key.clone());
                    let text =
                        write_bundle(setup.envelope(&inst), &setup).map_err(|e| e.say(lang))?;
                    let encrypted = !pass.is_empty();
                    let bytes = if encrypted {
                        encrypt(text.as_bytes(), &pass).map_err(|e| e.say(lang))?
                    } else {
                        text.into_bytes()
                    };
                    let name = file_name(&setup.school.name, encrypted);
                    save_file(&name, "application/octet-stream", &bytes)?;
                    Ok(setup.school.name)
                });
                match result {
                    Ok(name) => made.push(name),
                    Err(e) => return error.set(Some(e)),
                }
                // Browsers take several downloads in a row when they are a moment apart.
                gloo_timers::future::TimeoutFuture::new(300).await;
            }
            let audit = AuditEntry {
                at: now(),
                operator,
                action: AuditAction::Update,
                subject: "installation".into(),
                summary: format!(
                    "生成学校安装文件{}份{}：{}",
                    made.len(),
                    if children {
                        "（含学生名单，已加密）"
                    } else {
                        ""
                    },
                    made.join("、")
                ),
                changes: Vec::new(),
                lines: Vec::new(),
            };
            if let Some(db) = database.db() {
                if let Err(e) = store::append_audit(&db, &audit).await {
                    notices.error(e.say(language.get_untracked()));
                }
            }
            notices.info(fill(
                text(language.get_untracked()).ss_made,
                &[&made.len().to_string()],
            ));
        });
    };
    view! {
        <section class="card" id="setup-files">
            <h2>{move || t().setup_files_title}</h2>
            <p class="muted">{move || t().setup_files_intro}</p>
            <div class="form-grid">
                <label class="field"><span>{move || t().school}</span>
                    <select id="setup-file-school" on:change=move |ev| chosen.set(event_target_value(&ev))>
                        <option value="">{move || t().choose}</option>
                        <option value="all">{move || t().all_schools}</option>
                        {move || schools().into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field check"><input type="checkbox" id="setup-with-children" bind:checked=with_children/><span>{move || t().setup_files_children}</span></label>
                <label class="field"><span>{move || t().passphrase}</span><input type="password" id="setup-file-pass" bind:value=pass autocomplete="new-password"/></label>
            </div>
            {move || error.get().map(|e| view! { <p class="error" role="alert" id="setup-file-error">{e}</p> })}
            <button id="make-setup-file" on:click=make>{move || t().setup_files_make}</button>
        </section>
    }
}

/// First start of a school: install from the county's file.
#[component]
pub fn InstallFromSetupFile() -> impl IntoView {
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let nav = expect_context::<Navigation>();
    let database = expect_context::<Database>();
    let installer = expect_context::<Installer>();
    let t = move || text(language.get());
    let pass = RwSignal::new(String::new());
    let operator = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let install = move |_| {
        error.set(None);
        let op = operator.get_untracked().trim().to_string();
        if op.is_empty() {
            return error.set(Some(
                text(language.get_untracked()).setup_need_operator.into(),
            ));
        }
        let pass = pass.get_untracked();
        let lang = language.get_untracked();
        spawn_local(async move {
            let result: Result<(), String> = async {
                let (_, bytes) =
                    super::common::read_file("setup-file", text(lang).ss_choose_file, lang).await?;
                let json = bundle_text(&bytes, Some(&pass)).map_err(|e| e.say(lang))?;
                let (_, setup) = read_payload::<SchoolSetup>(&json, SCHOOL_SETUP_KIND)
                    .map_err(|e| e.say(lang))?;
                let inst = setup.installation(&op, now()).map_err(|e| e.say(lang))?;
                let ledger = Ledger::new(
                    vec![setup.school.clone()],
                    &inst.townships,
                    setup.children.clone(),
                );
                let chunks = ledger.encode_all().map_err(|e| e.say(lang))?;
                let audit = AuditEntry {
                    at: now(),
                    operator: op.clone(),
                    action: AuditAction::Setup,
                    subject: "installation".into(),
                    summary: format!(
                        "据学校安装文件设置本机单位：{}（{}制作，学生{}人）",
                        setup.school.name,
                        setup.made_by,
                        setup.children.len()
                    ),
                    changes: Vec::new(),
                    lines: Vec::new(),
                };
                let db = database.db().ok_or("数据库未打开")?;
                // As loading would: a setting out of any sane range goes back to its default.
                let (settings, _) = setup.settings.clone().sanitized();
                let county = inst
                    .divisions
                    .iter()
                    .find(|d| d.code.len() == 6)
                    .map(|d| d.name.clone())
                    .unwrap_or_default();
                let mut whole = baoxue_core::installation::WholeInstallation::new(
                    inst,
                    settings,
                    vec![setup.school.clone()],
                );
                // The school's own key, and the county's to seal its reports to.
                whole.records.inbox.office_key = Some(OfficeKey::generate());
                if let Some(public) = setup.county_key.clone() {
                    if check_public_key(&public).is_ok() {
                        whole.records.outbox.upper_key = Some(UpperKey {
                            public,
                            unit: county,
                            source: "学校安装文件".into(),
                        });
                    }
                }
                store::replace_all(&db, &whole, &chunks, &[audit], None)
                    .await
                    .map_err(|e| e.say(language.get_untracked()))?;
                installer.install_with(ledger, Some(whole));
                Ok(())
            }
            .await;
            match result {
                Ok(()) => {
                    notices.info(text(lang).ss_installed);
                    nav.navigate(Route::Home);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <section class="card" id="install-from-file">
            <h2>{move || t().install_file_title}</h2>
            <p class="muted">{move || t().install_file_intro}</p>
            <div class="form-grid">
                <label class="field"><span>{move || t().install_file}</span><input type="file" id="setup-file" accept=".baoxue,.json"/></label>
                <label class="field"><span>{move || t().passphrase}</span><input type="password" id="setup-file-pass-in" bind:value=pass/></label>
                <label class="field"><span>{move || t().operator_name}</span><input id="setup-file-operator" bind:value=operator/></label>
            </div>
            {move || error.get().map(|e| view! { <p class="error" role="alert" id="install-file-error">{e}</p> })}
            <button class="primary" id="install-from-file-btn" on:click=install>{move || t().install_file_go}</button>
        </section>
    }
}

/// 学校 → 导入学校名单 and 导出学校名单.
#[component]
pub fn SchoolList() -> impl IntoView {
    use baoxue_core::student_roll::schools::{read_school_list, SchoolListPlan};
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let t = move || text(language.get());
    let plan = RwSignal::new(None::<SchoolListPlan>);
    let read = move |_| {
        spawn_local(async move {
            let (name, bytes) = match super::common::read_file(
                "school-list-file",
                text(language.get_untracked()).ss_choose_list,
                language.get_untracked(),
            )
            .await
            {
                Ok(f) => f,
                Err(e) => return notices.error(e),
            };
            match baoxue_core::crosscheck::read_table(&bytes) {
                Ok(table) => {
                    let towns = office
                        .installation
                        .with_untracked(|i| i.as_ref().map(|i| i.townships.clone()))
                        .unwrap_or_default();
                    let p = ledgers.ledger.with_untracked(|l| {
                        read_school_list(&name, &table, l.schools(), &towns, &mut Uuid::new_v4)
                    });
                    plan.set(Some(p));
                }
                Err(e) => notices.error(fill(
                    text(language.get_untracked()).ri_unreadable,
                    &[&name, &e.say(language.get_untracked())],
                )),
            }
        });
    };
    let apply = move |_| {
        let Some(p) = plan.get_untracked() else {
            return;
        };
        let operator = office.operator();
        let mut set = baoxue_core::casework::ChangeSet::default();
        for s in &p.added {
            set.audit.push(AuditEntry {
                at: now(),
                operator: operator.clone(),
                action: AuditAction::Import,
                subject: s.id.to_string(),
                summary: format!("据学校名单新增学校“{}”", s.name),
                changes: Vec::new(),
                lines: Vec::new(),
            });
            set.schools.push(s.clone());
        }
        for (old, new) in &p.changed {
            set.audit.push(AuditEntry {
                at: now(),
                operator: operator.clone(),
                action: AuditAction::Import,
                subject: new.id.to_string(),
                summary: format!("据学校名单更新学校“{}”（原“{}”）", new.name, old.name),
                changes: Vec::new(),
                lines: Vec::new(),
            });
            set.schools.push(new.clone());
        }
        if set.schools.is_empty() {
            return notices.info(text(language.get_untracked()).ss_list_same);
        }
        spawn_local(async move {
            match ledgers.commit(set).await {
                Ok(()) => {
                    notices.info(fill(
                        text(language.get_untracked()).ss_list_imported,
                        &[&p.added.len().to_string(), &p.changed.len().to_string()],
                    ));
                    plan.set(None);
                }
                Err(e) => {
                    let lang = language.get_untracked();
                    notices.error(format!("{}{}", text(lang).ss_list_failed, e.say(lang)))
                }
            }
        });
    };
    view! {
        <section class="card" id="school-list">
            <div class="title-row">
                <h2>{move || t().school_list_title}</h2>
                <div class="actions">
                    <crate::components::download::ExportButtons id="export-schools" table=move || {
                        let title = format!("{}学校名单", office.unit_short_name());
                        ledgers.ledger.with_untracked(|l| baoxue_core::export::schools_table(l, &title))
                    }/>
                </div>
            </div>
            <div class="form-row">
                <label>{move || t().school_list_file}<input type="file" id="school-list-file" accept=".xlsx,.xls,.csv,.txt"/></label>
                <button id="school-list-read" on:click=read>{move || t().roll_preview}</button>
            </div>
            {move || plan.get().map(|p| view! {
                <p id="school-list-summary">{let n = [p.added.len(), p.changed.len(), p.unchanged, p.problems.len()].map(|x| x.to_string()); move || fill(t().ss_list_summary, &n.each_ref().map(String::as_str))}</p>
                <ul class="problems">
                    {p.problems.iter().map(|x| view! { <li>{format!("{}{}{}", x.place_in(language.get()), t().colon, x.reason.say(language.get()))}</li> }).collect_view()}
                </ul>
                <button class="primary" id="school-list-apply" disabled=p.added.is_empty() && p.changed.is_empty() on:click=apply>{t().roll_apply}</button>
            })}
        </section>
    }
}
