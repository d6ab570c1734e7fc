//! BaoXue web app: a Leptos single-page application over `baoxue-core`, storing everything
//! in the browser's IndexedDB. Compiled for wasm32 only; on other targets it is empty so that
//! `cargo test --workspace` runs natively.

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod browser;
#[cfg(target_arch = "wasm32")]
mod components;
#[cfg(target_arch = "wasm32")]
mod divisions;
#[cfg(target_arch = "wasm32")]
pub mod i18n;
#[cfg(target_arch = "wasm32")]
mod pages;
#[cfg(target_arch = "wasm32")]
mod route;
#[cfg(target_arch = "wasm32")]
mod state;
#[cfg(target_arch = "wasm32")]
pub mod store;
#[cfg(target_arch = "wasm32")]
mod worker;

/// Mounts the app on the page body.
#[cfg(target_arch = "wasm32")]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        pages::recovery::show_stopped(&info.to_string());
    }));
    // The same module runs the page's worker (`worker::page_worker`), which has no window to draw in.
    if web_sys::window().is_none() {
        return;
    }
    leptos::mount::mount_to_body(app::App);
}
