//! Shared by the golden-file tests: loading R's reference values and comparing
//! numbers at a named tolerance.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Relative tolerance against R.
pub const VS_R_REL: f64 = 1e-9;

/// Absolute floor for values R computes as zero up to rounding (e.g. a variance
/// entry that cancels to 1e-17 in one program and 0 in the other).
pub const VS_R_ABS_FLOOR: f64 = 1e-13;

pub fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/golden")
}

pub fn read_json(name: &str) -> serde_json::Value {
    let path = golden_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One dataset of `fixtures/golden/data`: `time,status,group,strata`.
pub struct Dataset {
    pub time: Vec<f64>,
    pub event: Vec<bool>,
    pub group: Vec<String>,
    pub strata: Vec<String>,
}

pub fn read_dataset(relative: &str) -> Dataset {
    let path = golden_dir().join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("time,status,group,strata"),
        "{}",
        path.display()
    );
    let mut d = Dataset {
        time: vec![],
        event: vec![],
        group: vec![],
        strata: vec![],
    };
    for (i, line) in lines.enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 4, "{}:{}: {line}", path.display(), i + 2);
        d.time.push(
            f[0].parse()
                .unwrap_or_else(|_| panic!("{}:{}: time {}", path.display(), i + 2, f[0])),
        );
        d.event.push(match f[1] {
            "1" => true,
            "0" => false,
            other => panic!("{}:{}: status {other}", path.display(), i + 2),
        });
        d.group.push(f[2].to_owned());
        d.strata.push(f[3].to_owned());
    }
    d
}

/// Codes for `labels` in the order of `levels` (R's order, taken from the golden file).
pub fn codes(labels: &[String], levels: &[String]) -> Vec<u32> {
    labels
        .iter()
        .map(|l| {
            levels
                .iter()
                .position(|x| x == l)
                .unwrap_or_else(|| panic!("label {l} not in {levels:?}")) as u32
        })
        .collect()
}

pub fn num(v: &serde_json::Value) -> Option<f64> {
    if v.is_null() {
        None
    } else {
        Some(v.as_f64().unwrap_or_else(|| panic!("not a number: {v}")))
    }
}

pub fn nums(v: &serde_json::Value) -> Vec<Option<f64>> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(num)
        .collect()
}

pub fn close(expected: f64, got: f64) -> bool {
    let diff = (expected - got).abs();
    diff <= VS_R_REL * expected.abs().max(got.abs()) || diff <= VS_R_ABS_FLOOR
}

/// Collects mismatches instead of stopping at the first, so one run shows them all.
#[derive(Default)]
pub struct Report {
    pub failures: Vec<String>,
    pub checked: usize,
}

impl Report {
    pub fn value(&mut self, context: &str, expected: Option<f64>, got: Option<f64>) {
        self.checked += 1;
        let ok = match (expected, got) {
            (None, None) => true,
            (Some(e), Some(g)) => close(e, g),
            _ => false,
        };
        if !ok {
            self.failures
                .push(format!("{context}: expected {expected:?}, got {got:?}"));
        }
    }

    pub fn series(&mut self, context: &str, expected: &[Option<f64>], got: &[Option<f64>]) {
        if expected.len() != got.len() {
            self.failures.push(format!(
                "{context}: expected {} values, got {}",
                expected.len(),
                got.len()
            ));
            return;
        }
        for (i, (e, g)) in expected.iter().zip(got).enumerate() {
            self.value(&format!("{context}[{i}]"), *e, *g);
        }
    }

    pub fn finish(self, what: &str) {
        assert!(self.checked > 0, "{what}: nothing was checked");
        assert!(
            self.failures.is_empty(),
            "{what}: {} of {} values differ from R:\n{}",
            self.failures.len(),
            self.checked,
            self.failures.join("\n")
        );
        eprintln!("{what}: {} values agree with R", self.checked);
    }
}

/// An array of JSON strings.
pub fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect()
}
