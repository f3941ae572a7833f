//! Running `npcsurv` as a user does, for the behaviour tests.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// The workspace root: commands run there, so fixture paths are relative to it.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `npcsurv` with `args` from the workspace root.
pub fn npcsurv(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_npcsurv"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("runs")
}

/// Runs `npcsurv` with `input` on standard input.
pub fn npcsurv_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_npcsurv"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

/// Standard output, as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Standard error, as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The one JSON document a successful run printed.
pub fn json_of(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        stderr(out)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON document on standard output")
}

/// Relative agreement asked of every number against R.
pub const VS_R_REL: f64 = 1e-9;

/// A golden file of `fixtures/golden`.
pub fn golden(name: &str) -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(root().join("fixtures/golden").join(name)).unwrap(),
    )
    .unwrap()
}

/// `got` equals R's `expected` to [`VS_R_REL`], or both are null.
pub fn close(expected: &Value, got: &Value, what: &str) {
    match (expected.as_f64(), got.as_f64()) {
        (None, None) => assert!(
            expected.is_null() && got.is_null(),
            "{what}: expected {expected}, got {got}"
        ),
        (Some(e), Some(g)) => assert!(
            (e - g).abs() <= VS_R_REL * e.abs().max(g.abs()),
            "{what}: R gives {e}, npcsurv {g}"
        ),
        _ => panic!("{what}: expected {expected}, got {got}"),
    }
}
