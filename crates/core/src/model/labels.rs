//! Field vocabularies: each enum carries its official Chinese term and an English label.

/// The two interface languages. Chinese is the default.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

/// A message for the user in either language: Chinese is its `Display` (as `thiserror`
/// writes it), English is `en`. Implement `en` with an exhaustive match, no `_ =>`, so that a
/// new variant without its English does not compile — as `labelled_enum!` does for labels.
pub trait Localized: std::fmt::Display {
    fn en(&self) -> String;
    fn say(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => self.to_string(),
            Lang::En => self.en(),
        }
    }
}

/// A closed vocabulary with a Chinese and an English label per value.
pub trait Labelled: Sized + Copy + 'static {
    const ALL: &'static [Self];
    fn zh(self) -> &'static str;
    fn en(self) -> &'static str;
    fn label(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.zh(),
            Lang::En => self.en(),
        }
    }
    /// Stable key used in URLs and form values.
    fn key(self) -> &'static str;
    fn from_key(key: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.key() == key)
    }
    /// Looks a value up by its Chinese or English label, or its key (for imported files).
    fn from_label(text: &str) -> Option<Self> {
        let t = text.trim();
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.zh() == t || v.en().eq_ignore_ascii_case(t) || v.key() == t)
    }
}

/// Declares an enum with its Chinese and English labels in one table.
macro_rules! labelled_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = ($key:literal, $zh:literal, $en:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $crate::model::Labelled for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            fn zh(self) -> &'static str { match self { $(Self::$variant => $zh),+ } }
            fn en(self) -> &'static str { match self { $(Self::$variant => $en),+ } }
            fn key(self) -> &'static str { match self { $(Self::$variant => $key),+ } }
        }
    };
}
pub(crate) use labelled_enum;
