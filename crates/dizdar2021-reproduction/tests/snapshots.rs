//! Every number the reproduction produces, pinned: a changed number fails here
//! until a person reviews it (`cargo insta review`). Snapshots only detect
//! change; `agreement.rs` checks the key numbers against R independently.

use dizdar2021_reproduction::Reproduction;
use serde_json::Value;

/// Named snapshots without the expression, so the files stay readable.
macro_rules! pin {
    ($name:expr, $value:expr) => {
        insta::with_settings!({ omit_expression => true, prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!($name, $value);
        });
    };
}

/// Rounds every float to 10 significant digits: the last bits of a libm
/// function are not the point, the number is.
fn rounded(value: Value) -> Value {
    match value {
        Value::Number(n) if n.is_f64() => {
            let x = n.as_f64().unwrap_or(0.0);
            let r = if x == 0.0 {
                0.0
            } else {
                format!("{x:.9e}").parse().unwrap_or(x)
            };
            serde_json::Number::from_f64(r).map_or(Value::Null, Value::Number)
        }
        Value::Array(a) => Value::Array(a.into_iter().map(rounded).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, rounded(v))).collect()),
        other => other,
    }
}

fn files() -> Vec<(&'static str, String)> {
    Reproduction::build()
        .expect("the reproduction builds")
        .files()
        .expect("the files render")
}

fn file(name: &str) -> String {
    files()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, c)| c)
        .unwrap_or_else(|| panic!("no file {name}"))
}

fn json(name: &str) -> String {
    let value: Value = serde_json::from_str(&file(name)).expect("valid JSON");
    serde_json::to_string_pretty(&rounded(value)).expect("serialisable")
}

#[test]
fn table1() {
    pin!("table1_md", file("table1.md"));
}

#[test]
fn table2() {
    pin!("table2_csv", file("table2.csv"));
}

#[test]
fn survival_summary() {
    pin!("survival_json", json("survival.json"));
    pin!("survival_md", file("survival.md"));
}

#[test]
fn univariate() {
    pin!("univariate_json", json("univariate.json"));
}

#[test]
fn ledger() {
    pin!("ledger_json", json("ledger.json"));
}

#[test]
fn figure_data() {
    pin!("figure1_json", json("figure1.json"));
}

#[test]
fn overlaps() {
    pin!("overlaps_json", json("overlaps.json"));
}

#[test]
fn beyond_the_paper() {
    let text = file("REPRODUCTION.md");
    let start = text.find("## Beyond the paper").expect("the section");
    let end = text[start..]
        .find("\n## Figure 1")
        .map_or(text.len(), |e| start + e);
    pin!("beyond_md", text[start..end].to_owned());
}
