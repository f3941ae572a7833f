//! The layout's promises, read from `cargo metadata`: the engine depends on no
//! workspace crate and never on polars (not even through another crate), and
//! no crate but the reader depends on polars, or on calamine (Excel), directly.

use std::collections::{BTreeSet, HashMap};
use std::process::Command;

use serde_json::Value;

const ENGINE: &str = "surv-engine";
const READER: &str = "surv-reader";

fn metadata(extra: &[&str]) -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1"])
        .args(extra)
        .current_dir(root)
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON")
}

/// A direct dependency: its name, its kind, whether it is a path dependency.
type Dependency = (String, String, bool);

/// Each workspace package with its direct dependencies.
fn workspace() -> Vec<(String, Vec<Dependency>)> {
    let meta = metadata(&["--no-deps"]);
    meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let deps = p["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| {
                    (
                        d["name"].as_str().unwrap().to_owned(),
                        d["kind"].as_str().unwrap_or("normal").to_owned(),
                        d["path"].is_string(),
                    )
                })
                .collect();
            (p["name"].as_str().unwrap().to_owned(), deps)
        })
        .collect()
}

#[test]
fn the_engine_depends_on_no_workspace_crate_and_not_on_polars() {
    let packages = workspace();
    let names: BTreeSet<&str> = packages.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        names.contains(ENGINE) && names.contains(READER),
        "{names:?}"
    );
    let (_, deps) = packages.iter().find(|(n, _)| n == ENGINE).unwrap();
    for (name, kind, is_path) in deps {
        assert_ne!(name, "polars", "{ENGINE} depends on polars ({kind})");
        // A dev-dependency on itself (to test with its own features) is not
        // another workspace crate.
        if name != ENGINE {
            assert!(
                !names.contains(name.as_str()) && !is_path,
                "{ENGINE} depends on workspace crate {name} ({kind})"
            );
        }
    }
}

#[test]
fn only_the_reader_depends_on_polars_or_calamine_directly() {
    for library in ["polars", "calamine"] {
        let on_it: Vec<String> = workspace()
            .into_iter()
            .filter(|(_, deps)| deps.iter().any(|(d, _, _)| d == library))
            .map(|(n, _)| n)
            .collect();
        assert_eq!(
            on_it,
            [READER],
            "packages depending on {library} in any kind"
        );
    }
}

#[test]
fn polars_is_nowhere_in_the_engine_s_build() {
    // The resolved graph: everything the engine's library builds with.
    let meta = metadata(&[]);
    let nodes: HashMap<&str, &Value> = meta["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["id"].as_str().unwrap(), n))
        .collect();
    let name_of: HashMap<&str, &str> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    let engine = name_of
        .iter()
        .find(|(_, n)| **n == ENGINE)
        .map(|(id, _)| *id)
        .unwrap();
    let mut stack = vec![engine];
    let mut seen = BTreeSet::new();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        for dep in nodes[id]["deps"].as_array().unwrap() {
            let normal = dep["dep_kinds"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k["kind"].is_null());
            if normal {
                stack.push(dep["pkg"].as_str().unwrap());
            }
        }
    }
    let built: BTreeSet<&str> = seen.iter().map(|id| name_of[id]).collect();
    assert!(!built.contains("polars"), "{ENGINE} builds with {built:?}");
    assert!(
        built.contains("statrs"),
        "the walk reached the engine's dependencies: {built:?}"
    );
}
