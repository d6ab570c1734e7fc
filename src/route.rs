//! Where the user is: the routes of the app, parsed from and written to `location.hash`
//! (which also works from a file:// page).

use uuid::Uuid;

/// Where the user is. Parsed from and written to `location.hash`.
#[derive(Debug, Clone, PartialEq)]
pub enum Route {
    Home,
    Children,
    /// 导入学籍名册.
    RollImport,
    NewChild,
    Child(Uuid),
    EditChild(Uuid),
    Schools,
    Settings,
    Register,
    Suspects,
    Suspect(Uuid),
    Cases,
    Case(Uuid),
    Notice(Uuid, usize),
    Print(PrintLedger),
    CrossCheck,
    Indicators,
    /// 月报: school monthly reports up, reviews down.
    Reports,
}

impl Route {
    pub fn parse(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        match parts.as_slice() {
            ["children"] => Route::Children,
            ["children", "new"] => Route::NewChild,
            ["children", "import"] => Route::RollImport,
            ["child", id] => Uuid::parse_str(id)
                .map(Route::Child)
                .unwrap_or(Route::Children),
            ["child", id, "edit"] => Uuid::parse_str(id)
                .map(Route::EditChild)
                .unwrap_or(Route::Children),
            ["schools"] => Route::Schools,
            ["register"] => Route::Register,
            ["suspects"] => Route::Suspects,
            ["suspect", id] => Uuid::parse_str(id)
                .map(Route::Suspect)
                .unwrap_or(Route::Suspects),
            ["cases"] => Route::Cases,
            ["print", which] => PrintLedger::from_key(which)
                .map(Route::Print)
                .unwrap_or(Route::Home),
            ["case", id] => Uuid::parse_str(id).map(Route::Case).unwrap_or(Route::Cases),
            ["notice", id, n] => match (Uuid::parse_str(id), n.parse()) {
                (Ok(id), Ok(n)) => Route::Notice(id, n),
                _ => Route::Cases,
            },
            ["settings"] => Route::Settings,
            ["crosscheck"] => Route::CrossCheck,
            ["indicators"] => Route::Indicators,
            ["reports"] => Route::Reports,
            _ => Route::Home,
        }
    }

    pub fn href(&self) -> String {
        match self {
            Route::Home => "#/".into(),
            Route::Children => "#/children".into(),
            Route::NewChild => "#/children/new".into(),
            Route::RollImport => "#/children/import".into(),
            Route::Child(id) => format!("#/child/{id}"),
            Route::EditChild(id) => format!("#/child/{id}/edit"),
            Route::Schools => "#/schools".into(),
            Route::Settings => "#/settings".into(),
            Route::Register => "#/register".into(),
            Route::Suspects => "#/suspects".into(),
            Route::Suspect(id) => format!("#/suspect/{id}"),
            Route::Cases => "#/cases".into(),
            Route::Case(id) => format!("#/case/{id}"),
            Route::Notice(id, n) => format!("#/notice/{id}/{n}"),
            Route::Print(l) => format!("#/print/{}", l.key()),
            Route::CrossCheck => "#/crosscheck".into(),
            Route::Indicators => "#/indicators".into(),
            Route::Reports => "#/reports".into(),
        }
    }
}

/// Which ledger to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintLedger {
    Children,
    Suspects,
    Cases,
}

impl PrintLedger {
    pub fn key(self) -> &'static str {
        match self {
            PrintLedger::Children => "children",
            PrintLedger::Suspects => "suspects",
            PrintLedger::Cases => "cases",
        }
    }

    pub fn from_key(k: &str) -> Option<Self> {
        [
            PrintLedger::Children,
            PrintLedger::Suspects,
            PrintLedger::Cases,
        ]
        .into_iter()
        .find(|l| l.key() == k)
    }
}

/// The hash of the page's address now.
pub fn current_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}
