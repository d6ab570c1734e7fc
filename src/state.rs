//! The app's state, as small typed handles provided once by the shell: each value is read
//! through a method that tracks (so a view that reads it redraws when it changes) and
//! changed through one that notifies, with no revision counters kept by hand.

use leptos::prelude::*;

/// A large value held once in memory (the ledger of 200,000 children, the casebook) and
/// read in place: never cloned into a signal, but tracked like one.
pub struct Held<T: Send + Sync + 'static> {
    value: StoredValue<T>,
    changed: Trigger,
}

impl<T: Send + Sync + 'static> Clone for Held<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static> Copy for Held<T> {}

impl<T: Send + Sync + 'static> Held<T> {
    pub fn new(value: T) -> Self {
        Held {
            value: StoredValue::new(value),
            changed: Trigger::new(),
        }
    }

    /// Reads the value; the view or memo that reads it runs again when it changes.
    pub fn with<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        self.changed.track();
        self.value.with_value(f)
    }

    /// Reads the value in an event handler or async task, where nothing is to be redrawn.
    pub fn with_untracked<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        self.value.with_value(f)
    }

    /// A copy of the value, untracked (for an async task that writes it back).
    pub fn get_untracked(&self) -> T
    where
        T: Clone,
    {
        self.value.get_value()
    }

    /// Changes the value and tells every reader.
    pub fn update(&self, f: impl FnOnce(&mut T)) {
        self.value.update_value(f);
        self.changed.notify();
    }

    /// Replaces the value and tells every reader.
    pub fn set(&self, value: T) {
        self.value.set_value(value);
        self.changed.notify();
    }

    /// Redraws readers without a change (nothing of the value changed, but what it means
    /// did: the settings it is read with).
    pub fn track(&self) {
        self.changed.track();
    }
}
