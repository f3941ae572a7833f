//! The Fine-Gray model against `cmprsk::crr` (`fixtures/golden/generate_finegray.R`):
//! mgus2 (progression and death, three covariates and one) and three made-up
//! datasets (ties, few events, a coefficient running off unconverged), every
//! number of `finegray.json` at a relative 1e-6.

mod common;

use common::finite::assert_finite;
use common::{golden_dir, num, nums, read_json, strings};
use surv_engine::finegray::{FineGrayConfig, FineGrayFit, fine_gray};

/// Relative tolerance against `crr`. Coarser than the 1e-9 of the survival
/// package's references because `crr` stops its Newton-Raphson at its own
/// gradient tolerance (1e-6); we take the same steps, so we are in fact much
/// closer (the test prints the largest difference seen).
const VS_CRR_REL: f64 = 1e-6;

/// Absolute floor for values that are zero up to rounding.
const VS_CRR_ABS_FLOOR: f64 = 1e-13;

/// One dataset of `data/finegray`: a header, then numbers.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<f64>>,
}

impl Table {
    fn read(relative: &str) -> Table {
        let path = golden_dir().join(relative);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut lines = text.lines();
        let header: Vec<String> = lines
            .next()
            .unwrap()
            .split(',')
            .map(str::to_owned)
            .collect();
        let rows = lines
            .enumerate()
            .map(|(i, line)| {
                let row: Vec<f64> = line
                    .split(',')
                    .map(|f| {
                        f.parse()
                            .unwrap_or_else(|_| panic!("{}:{}: {f}", path.display(), i + 2))
                    })
                    .collect();
                assert_eq!(row.len(), header.len(), "{}:{}", path.display(), i + 2);
                row
            })
            .collect();
        Table { header, rows }
    }

    fn column(&self, name: &str) -> Vec<f64> {
        let at = self
            .header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"));
        self.rows.iter().map(|r| r[at]).collect()
    }
}

/// Mismatches collected over every case, and the largest relative difference.
#[derive(Default)]
struct Comparison {
    failures: Vec<String>,
    checked: usize,
    largest: f64,
    largest_at: String,
}

impl Comparison {
    /// Compares at VS_CRR_REL of `scale` (the value itself for most numbers).
    fn scaled(&mut self, context: &str, expected: Option<f64>, got: Option<f64>, scale: f64) {
        self.checked += 1;
        match (expected, got) {
            (None, None) => {}
            (Some(e), Some(g)) => {
                let diff = (e - g).abs();
                let relative = if scale > 0.0 { diff / scale } else { diff };
                if relative > self.largest {
                    self.largest = relative;
                    self.largest_at = context.to_owned();
                }
                if diff > VS_CRR_REL * scale && diff > VS_CRR_ABS_FLOOR {
                    self.failures
                        .push(format!("{context}: expected {e:e}, got {g:e}"));
                }
            }
            _ => self
                .failures
                .push(format!("{context}: expected {expected:?}, got {got:?}")),
        }
    }

    fn value(&mut self, context: &str, expected: Option<f64>, got: Option<f64>) {
        let scale = expected.unwrap_or(0.0).abs().max(got.unwrap_or(0.0).abs());
        self.scaled(context, expected, got, scale);
    }

    fn per_coefficient(
        &mut self,
        case: &str,
        what: &str,
        names: &[String],
        expected: &[Option<f64>],
        got: &[Option<f64>],
    ) {
        assert_eq!(expected.len(), got.len(), "{case}: {what} length");
        for ((name, e), g) in names.iter().zip(expected).zip(got) {
            self.value(&format!("{case}: {what} of {name}"), *e, *g);
        }
    }
}

fn check_case(case: &serde_json::Value, cmp: &mut Comparison) {
    let id = case["id"].as_str().unwrap();
    let table = Table::read(case["file"].as_str().unwrap());
    let names = strings(&case["covariates"]);
    let columns: Vec<Vec<f64>> = names.iter().map(|c| table.column(c)).collect();
    let columns: Vec<&[f64]> = columns.iter().map(Vec::as_slice).collect();
    let times = table.column("time");
    let causes: Vec<u32> = table
        .column("status")
        .iter()
        .map(|&s| {
            assert!(s >= 0.0 && s.fract() == 0.0, "{id}: status {s}");
            s as u32
        })
        .collect();
    let cause = case["cause"].as_u64().unwrap() as u32;
    let fit: FineGrayFit = fine_gray(&times, &causes, cause, &columns, &FineGrayConfig::default())
        .unwrap_or_else(|e| panic!("{id}: {e}"));
    assert_finite(id, &fit);

    let count = |key: &str| case[key].as_u64().unwrap() as usize;
    assert_eq!(fit.n, count("n"), "{id}: n");
    assert_eq!(fit.n_events, count("n_events"), "{id}: n_events");
    assert_eq!(fit.n_competing, count("n_competing"), "{id}: n_competing");
    assert_eq!(
        fit.converged,
        case["converged"].as_bool().unwrap(),
        "{id}: converged"
    );
    // crr does not report its iterations; the script found the fewest that
    // converge, or null when none does.
    match case["iterations"].as_u64() {
        Some(k) => assert_eq!(fit.iterations as u64, k, "{id}: iterations"),
        None => assert!(
            !fit.converged && fit.iterations <= FineGrayConfig::default().max_iter,
            "{id}: crr did not converge; got {} iterations, converged {}",
            fit.iterations,
            fit.converged
        ),
    }

    let some = |v: &[f64]| v.iter().copied().map(Some).collect::<Vec<_>>();
    cmp.per_coefficient(id, "coef", &names, &nums(&case["coef"]), &some(&fit.coef));
    cmp.per_coefficient(id, "se", &names, &nums(&case["se"]), &fit.std_err);
    let hr = |f: fn(&surv_engine::HazardRatio) -> Option<f64>| {
        fit.hazard_ratio.iter().map(f).collect::<Vec<_>>()
    };
    cmp.per_coefficient(id, "exp(coef)", &names, &nums(&case["hr"]), &hr(|h| h.hr));
    cmp.per_coefficient(
        id,
        "2.5%",
        &names,
        &nums(&case["hr_lower"]),
        &hr(|h| h.lower),
    );
    cmp.per_coefficient(
        id,
        "97.5%",
        &names,
        &nums(&case["hr_upper"]),
        &hr(|h| h.upper),
    );
    cmp.per_coefficient(id, "z", &names, &nums(&case["z"]), &fit.z);
    cmp.per_coefficient(id, "p", &names, &nums(&case["p_value"]), &fit.p_value);
    cmp.value(
        &format!("{id}: loglik"),
        num(&case["loglik"]),
        Some(fit.loglik),
    );
    cmp.value(
        &format!("{id}: loglik.null"),
        num(&case["loglik_null"]),
        Some(fit.loglik_null),
    );
    // Off-diagonal entries relative to their scale, √(vᵢᵢ vⱼⱼ): a covariance
    // near zero has no relative precision of its own.
    let variance = nums(&case["variance"]);
    let p = names.len();
    assert_eq!(variance.len(), p * p, "{id}: variance size");
    for i in 0..p {
        for j in 0..p {
            let scale = (variance[i * p + i].unwrap() * variance[j * p + j].unwrap()).sqrt();
            cmp.scaled(
                &format!("{id}: var[{}, {}]", names[i], names[j]),
                variance[i * p + j],
                fit.variance[i * p + j],
                scale,
            );
        }
    }
}

#[test]
fn fine_gray_matches_crr() {
    let golden = read_json("finegray.json");
    // The fits use crr's defaults, as the references did.
    let config = FineGrayConfig::default();
    assert_eq!(num(&golden["gtol"]), Some(config.gtol));
    assert_eq!(num(&golden["maxiter"]), Some(config.max_iter as f64));
    assert_eq!(num(&golden["conf_level"]), Some(config.conf_level));
    let cases = golden["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 7, "every case of finegray.json");
    let mut cmp = Comparison::default();
    for case in cases {
        check_case(case, &mut cmp);
    }
    assert!(cmp.checked > 0, "nothing was checked");
    assert!(
        cmp.failures.is_empty(),
        "{} of {} values differ from crr by more than {VS_CRR_REL:e}:\n{}",
        cmp.failures.len(),
        cmp.checked,
        cmp.failures.join("\n")
    );
    eprintln!(
        "{} values agree with crr; largest relative difference {:.2e} ({})",
        cmp.checked, cmp.largest, cmp.largest_at
    );
}
