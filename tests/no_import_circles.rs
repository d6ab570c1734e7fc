//! The rooms of the code depend one way (docs/architecture.md, "The seams"): no module of
//! the core crate or of the web app, and no file of one module's folder, uses one that uses
//! it back. Read from the sources, so a circle fails here before it grows.

// A folder or file that cannot be read is a failure of this test, not something to handle.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, with its path relative to `dir`.
fn sources(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in fs::read_dir(&d).expect("a source folder") {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(dir).expect("under dir").to_string_lossy();
                let text = fs::read_to_string(&path).expect("a source file");
                out.push((rel.replace('\\', "/"), text));
            }
        }
    }
    out
}

/// Test code may reach anywhere: files named for tests, and inline `mod tests { … }`.
fn is_test_file(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name == "tests.rs" || name.ends_with("_tests.rs") || name == "test_county.rs"
}

fn without_tests_and_comments(text: &str) -> String {
    let code = match text.find("#[cfg(test)]\nmod tests {") {
        Some(i) => &text[..i],
        None => text,
    };
    code.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The identifiers that follow `prefix` in `code` (`crate::ledger::…` gives `ledger`).
fn uses_after<'a>(code: &'a str, prefix: &str) -> BTreeSet<&'a str> {
    code.match_indices(prefix)
        .map(|(i, _)| {
            let rest = &code[i + prefix.len()..];
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .collect()
}

/// A cycle in `graph`, if there is one, as the nodes along it.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == n) {
            let mut c = path[at..].to_vec();
            c.push(n.to_string());
            return Some(c);
        }
        if done.contains(n) {
            return None;
        }
        path.push(n.to_string());
        for m in graph.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

/// The top-level modules of a crate's `src` and which of them each uses.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let files = sources(src);
    let top = |rel: &str| {
        rel.split('/')
            .next()
            .unwrap_or(rel)
            .trim_end_matches(".rs")
            .to_string()
    };
    let modules: BTreeSet<String> = files
        .iter()
        .map(|(rel, _)| top(rel))
        .filter(|m| m != "lib" && m != "main")
        .collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, text) in &files {
        let from = top(rel);
        if !modules.contains(&from) || is_test_file(rel) {
            continue;
        }
        let code = without_tests_and_comments(text);
        for used in uses_after(&code, "crate::") {
            if used != from && modules.contains(used) {
                graph
                    .entry(from.clone())
                    .or_default()
                    .insert(used.to_string());
            }
        }
    }
    graph
}

/// The files of one module's folder and which of its siblings each uses.
fn file_graphs(src: &Path) -> Vec<(PathBuf, BTreeMap<String, BTreeSet<String>>)> {
    let mut out = Vec::new();
    let mut folders = vec![src.to_path_buf()];
    while let Some(dir) = folders.pop() {
        let mut names = BTreeSet::new();
        for entry in fs::read_dir(&dir).expect("a source folder") {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                names.insert(
                    path.file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .to_string(),
                );
                folders.push(path);
            } else if let Some(stem) = path
                .file_stem()
                .filter(|_| path.extension().is_some_and(|e| e == "rs"))
            {
                names.insert(stem.to_string_lossy().to_string());
            }
        }
        let module_path = dir
            .strip_prefix(src)
            .expect("under src")
            .to_string_lossy()
            .replace('/', "::");
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for name in &names {
            let file = dir.join(format!("{name}.rs"));
            let Ok(text) = fs::read_to_string(&file) else {
                continue;
            };
            if name == "mod" || name == "lib" || is_test_file(&format!("{name}.rs")) {
                continue;
            }
            let code = without_tests_and_comments(&text);
            let mut used = uses_after(&code, "super::");
            if !module_path.is_empty() {
                used.extend(uses_after(&code, &format!("crate::{module_path}::")));
            }
            for u in used {
                if u != name && names.contains(u) && u != "mod" {
                    graph.entry(name.clone()).or_default().insert(u.to_string());
                }
            }
        }
        out.push((dir, graph));
    }
    out
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_core_crate_and_the_web_app_have_no_import_circles() {
    for src in [root().join("crates/core/src"), root().join("src")] {
        let graph = module_graph(&src);
        assert!(graph.len() > 3, "{} read as {graph:?}", src.display());
        if let Some(c) = cycle(&graph) {
            panic!(
                "{}: modules use each other: {}",
                src.display(),
                c.join(" → ")
            );
        }
        for (dir, files) in file_graphs(&src) {
            if let Some(c) = cycle(&files) {
                panic!("{}: files use each other: {}", dir.display(), c.join(" → "));
            }
        }
    }
}

#[test]
fn a_circle_is_found_when_there_is_one() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(
        cycle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    let mut acyclic = graph.clone();
    acyclic.remove("c");
    assert_eq!(cycle(&acyclic), None);
}
