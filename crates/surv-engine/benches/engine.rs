//! Engine benchmark: Kaplan-Meier (with confidence intervals), the log-rank
//! test, Cox regression, competing risks (cumulative incidence with its
//! standard errors, Gray's tests) and Fine-Gray regression on synthetic
//! cohorts of 10^4 to 10^7 rows, each timed beside the cost of sorting the
//! same times alone, the floor any exact method must pay.
//!
//! Run with `cargo xtask bench` (or `cargo bench -p surv-engine --bench engine`;
//! pass `-- --max 1000000` to stop at a million rows, `--competing-only` for
//! the competing-risks tables alone, `--continuous-only` for Kaplan-Meier and
//! log-rank on continuous times alone). Times are the median of
//! several rounds, in which the sort and the estimators of a table take
//! turns; the data are integer days with many ties, two groups, ~70 %
//! events, as in a registry.

use std::hint::black_box;
use std::time::{Duration, Instant};

use surv_engine::finegray::{FineGrayConfig, fine_gray};
use surv_engine::{
    CompetingRisksData, CoxConfig, GrayConfig, KmConfig, LogRankConfig, SurvivalData, cox_ph,
    cumulative_incidence, gray_test, kaplan_meier, log_rank,
};

/// A small deterministic generator (xorshift64*), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

struct Cohort {
    time: Vec<f64>,
    event: Vec<bool>,
    group: Vec<u32>,
}

/// Exponential survival in days (median ~2 years in group 0, hazard ratio 0.8 in
/// group 1), administrative censoring at 10 years, 30 % random censoring. With
/// `whole_days` false the times are continuous (all distinct).
fn cohort(n: usize, seed: u64, whole_days: bool) -> Cohort {
    let mut rng = Rng(seed);
    let mut c = Cohort {
        time: Vec::with_capacity(n),
        event: Vec::with_capacity(n),
        group: Vec::with_capacity(n),
    };
    for _ in 0..n {
        let group = (rng.next() & 1) as u32;
        let rate = (2.0f64).ln() / 730.0 * if group == 1 { 0.8 } else { 1.0 };
        let round = |t: f64| if whole_days { t.ceil() } else { t };
        let t = round(-(1.0 - rng.uniform()).ln() / rate).min(3650.0);
        let censored = t >= 3650.0 || rng.uniform() < 0.3;
        c.time.push(if censored {
            round(t * rng.uniform()).max(1.0)
        } else {
            t
        });
        c.event.push(!censored);
        c.group.push(group);
    }
    c
}

/// The median time of each task over `runs` rounds, the tasks taking turns
/// within each round: the machine's speed drifts over seconds, and a task
/// timed in a block of its own could fall in a slower spell than the sort it
/// is compared with.
fn median_times<const K: usize>(runs: usize, mut tasks: [&mut dyn FnMut(); K]) -> [Duration; K] {
    let mut times: [Vec<Duration>; K] = std::array::from_fn(|_| Vec::with_capacity(runs));
    for _ in 0..runs {
        for (task, times) in tasks.iter_mut().zip(&mut times) {
            let start = Instant::now();
            task();
            times.push(start.elapsed());
        }
    }
    times.map(|mut times| {
        times.sort();
        times[runs / 2]
    })
}

/// The floor each estimator is compared with: sorting `times` alone, in a
/// copy made in `scratch`.
fn sort_of<'a>(scratch: &'a mut [f64], times: &'a [f64]) -> impl FnMut() + 'a {
    move || {
        scratch.copy_from_slice(times);
        scratch.sort_unstable_by(f64::total_cmp);
        black_box(&*scratch);
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let max = args
        .iter()
        .position(|a| a == "--max")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(10_000_000);
    if let Some(dir) = args
        .iter()
        .position(|a| a == "--write-csv")
        .and_then(|i| args.get(i + 1))
    {
        write_csv(std::path::Path::new(dir), max);
        return;
    }
    if args.iter().any(|a| a == "--continuous-only") {
        table(max, false);
        return;
    }
    if args.iter().any(|a| a == "--cox-only") {
        cox_table(max);
        return;
    }
    if args.iter().any(|a| a == "--finegray-only") {
        finegray_table(max);
        return;
    }
    if args.iter().any(|a| a == "--competing-only") {
        competing_table(max);
        return;
    }
    for whole_days in [true, false] {
        println!(
            "\n{}\n",
            if whole_days {
                "Whole days (many ties):"
            } else {
                "Continuous times (no ties):"
            }
        );
        table(max, whole_days);
    }
    cox_table(max);
    finegray_table(max);
    competing_table(max);
}

/// Competing risks on the same cohorts: each event is of cause 1 or 2 (a
/// third each of the events are cause 2), two groups.
fn competing_table(max: usize) {
    for whole_days in [true, false] {
        println!(
            "\nCompeting risks, 2 causes, 2 groups, {}:\n",
            if whole_days {
                "whole days"
            } else {
                "continuous times"
            }
        );
        println!(
            "| rows | sort times alone (ms) | cumulative incidence + SE (ms) | CI / sort | Gray's tests (ms) | Gray / sort |"
        );
        println!("|---:|---:|---:|---:|---:|---:|");
        let mut n = 10_000;
        while n <= max {
            let data = cohort(n, 0x5eed ^ n as u64, whole_days);
            let mut rng = Rng(0xc0de ^ n as u64);
            let causes: Vec<u32> = data
                .event
                .iter()
                .map(|&e| match (e, rng.next() % 3) {
                    (false, _) => 0,
                    (true, 0) => 2,
                    (true, _) => 1,
                })
                .collect();
            let runs = if n >= 10_000_000 { 5 } else { 11 };
            let mut scratch = data.time.clone();
            let [sort, incidence, gray] = median_times(
                runs,
                [
                    &mut sort_of(&mut scratch, &data.time),
                    &mut || {
                        let input = CompetingRisksData::new(&data.time, &causes)
                            .and_then(|d| d.with_groups(&data.group))
                            .unwrap();
                        black_box(cumulative_incidence(&input).unwrap());
                    },
                    &mut || {
                        let input = CompetingRisksData::new(&data.time, &causes)
                            .and_then(|d| d.with_groups(&data.group))
                            .unwrap();
                        black_box(gray_test(&input, &GrayConfig::default()).unwrap());
                    },
                ],
            );
            println!(
                "| {n} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} |",
                ms(sort),
                ms(incidence),
                ms(incidence) / ms(sort),
                ms(gray),
                ms(gray) / ms(sort)
            );
            n *= 10;
        }
    }
}

/// Six covariates (two normal, two binary, an age, a three-level score) acting
/// on the hazard of a whole-day cohort, as a column each.
fn covariates(n: usize, seed: u64) -> (Cohort, Vec<Vec<f64>>) {
    let mut rng = Rng(seed);
    let mut normal = || {
        // Box-Muller, one of the pair.
        let (u, v) = (1.0 - rng.uniform(), rng.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    };
    let mut x: Vec<Vec<f64>> = (0..6).map(|_| Vec::with_capacity(n)).collect();
    for _ in 0..n {
        x[0].push(normal());
        x[4].push(normal());
    }
    let mut rng = Rng(seed ^ 0xabcdef);
    let mut c = Cohort {
        time: Vec::with_capacity(n),
        event: Vec::with_capacity(n),
        group: Vec::with_capacity(n),
    };
    for i in 0..n {
        x[1].push((rng.next() & 1) as f64);
        x[2].push(20.0 + 60.0 * rng.uniform());
        x[3].push(f64::from(rng.uniform() < 0.3));
        x[5].push((rng.next() % 3) as f64);
        let lp = 0.3 * x[0][i] - 0.5 * x[1][i]
            + 0.02 * (x[2][i] - 50.0)
            + 0.4 * x[3][i]
            + 0.1 * x[4][i]
            + 0.2 * x[5][i];
        let rate = (2.0f64).ln() / 730.0 * lp.exp();
        let t = (-(1.0 - rng.uniform()).ln() / rate).ceil().min(3650.0);
        let censored = t >= 3650.0 || rng.uniform() < 0.3;
        c.time.push(if censored {
            (t * rng.uniform()).ceil().max(1.0)
        } else {
            t
        });
        c.event.push(!censored);
        c.group.push(x[1][i] as u32);
    }
    (c, x)
}

fn cox_table(max: usize) {
    println!("\nCox regression, 6 covariates, Efron ties, whole days:\n");
    println!(
        "| rows | sort times alone (ms) | Cox fit (ms) | iterations | Cox / sort | weighted Cox fit, robust SE (ms) | weighted / sort |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    let mut n = 10_000;
    while n <= max.min(1_000_000) {
        let (data, x) = covariates(n, 0xc0c5 ^ n as u64);
        let columns: Vec<&[f64]> = x.iter().map(Vec::as_slice).collect();
        let runs = if n >= 1_000_000 { 5 } else { 11 };
        let mut scratch = data.time.clone();
        let mut iterations = 0;
        // Weights that are not whole numbers: R's choice, and ours, is then
        // the robust (sandwich) variance, one more linear pass at β̂ and one
        // at 0.
        let mut rng = Rng(0x3e16 ^ n as u64);
        let weights: Vec<f64> = (0..n).map(|_| 0.5 + rng.uniform()).collect();
        let [sort, fit_time, weighted_time] = median_times(
            runs,
            [
                &mut sort_of(&mut scratch, &data.time),
                &mut || {
                    // Validating the input is part of the cost of a fit.
                    let survival = SurvivalData::new(&data.time, &data.event).unwrap();
                    let fit = cox_ph(&survival, &columns, &CoxConfig::default()).unwrap();
                    iterations = fit.iterations;
                    black_box(fit);
                },
                &mut || {
                    let survival = SurvivalData::new(&data.time, &data.event)
                        .and_then(|d| d.with_weights(&weights))
                        .unwrap();
                    let fit = cox_ph(&survival, &columns, &CoxConfig::default()).unwrap();
                    assert!(fit.robust_std_err.is_some());
                    black_box(fit);
                },
            ],
        );
        println!(
            "| {n} | {:.2} | {:.1} | {iterations} | {:.1} | {:.1} | {:.1} |",
            ms(sort),
            ms(fit_time),
            ms(fit_time) / ms(sort),
            ms(weighted_time),
            ms(weighted_time) / ms(sort)
        );
        n *= 10;
    }
}

/// The Cox benchmark's cohort with its events split between two causes (40 %
/// the cause of interest), fitted by Fine and Gray for cause 1.
fn finegray_table(max: usize) {
    println!("\nFine-Gray regression, 6 covariates, whole days, 2 causes:\n");
    println!(
        "| rows | sort times alone (ms) | Fine-Gray fit (ms) | iterations | Fine-Gray / sort |"
    );
    println!("|---:|---:|---:|---:|---:|");
    let mut n = 10_000;
    while n <= max.min(1_000_000) {
        let (data, x) = covariates(n, 0xc0c5 ^ n as u64);
        let columns: Vec<&[f64]> = x.iter().map(Vec::as_slice).collect();
        let mut rng = Rng(0xf1e ^ n as u64);
        let causes: Vec<u32> = data
            .event
            .iter()
            .map(|&e| match (e, rng.uniform() < 0.4) {
                (false, _) => 0,
                (true, true) => 1,
                (true, false) => 2,
            })
            .collect();
        let runs = if n >= 1_000_000 { 5 } else { 11 };
        let mut scratch = data.time.clone();
        let mut iterations = 0;
        let [sort, fit_time] = median_times(
            runs,
            [&mut sort_of(&mut scratch, &data.time), &mut || {
                let fit = fine_gray(&data.time, &causes, 1, &columns, &FineGrayConfig::default())
                    .unwrap();
                iterations = fit.iterations;
                black_box(fit);
            }],
        );
        println!(
            "| {n} | {:.2} | {:.1} | {iterations} | {:.1} |",
            ms(sort),
            ms(fit_time),
            ms(fit_time) / ms(sort)
        );
        n *= 10;
    }
}

fn table(max: usize, whole_days: bool) {
    println!(
        "| rows | sort times alone (ms) | Kaplan-Meier + CI (ms) | KM / sort | log-rank (ms) | log-rank / sort |"
    );
    println!("|---:|---:|---:|---:|---:|---:|");
    let config = KmConfig::default();
    let mut n = 10_000;
    while n <= max {
        let data = cohort(n, 0x5eed ^ n as u64, whole_days);
        let runs = if n >= 10_000_000 { 5 } else { 11 };
        let mut scratch = data.time.clone();
        // Validating the input (one pass over each column) is timed with the
        // estimator, as the old slice-taking functions validated inside.
        let [sort, km, lr] = median_times(
            runs,
            [
                &mut sort_of(&mut scratch, &data.time),
                &mut || {
                    let survival = SurvivalData::new(&data.time, &data.event).unwrap();
                    black_box(kaplan_meier(&survival, &config).unwrap());
                },
                &mut || {
                    let survival = SurvivalData::new(&data.time, &data.event)
                        .and_then(|d| d.with_groups(&data.group))
                        .unwrap();
                    black_box(log_rank(&survival, &LogRankConfig::default()).unwrap());
                },
            ],
        );
        println!(
            "| {n} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} |",
            ms(sort),
            ms(km),
            ms(km) / ms(sort),
            ms(lr),
            ms(lr) / ms(sort)
        );
        n *= 10;
    }
}

/// Writes the `max`-row cohorts as `time,status,group` CSV files, so that other
/// tools (R's survival, lifelines) can be timed on exactly the same data.
fn write_csv(dir: &std::path::Path, n: usize) {
    use std::io::Write;
    std::fs::create_dir_all(dir).expect("create the output directory");
    {
        let (data, x) = covariates(n, 0xc0c5 ^ n as u64);
        let path = dir.join(format!("cox_{n}.csv"));
        let mut out =
            std::io::BufWriter::new(std::fs::File::create(&path).expect("create the CSV"));
        writeln!(out, "time,status,x1,x2,x3,x4,x5,x6").unwrap();
        for i in 0..n {
            write!(out, "{},{}", data.time[i], u8::from(data.event[i])).unwrap();
            for column in &x {
                write!(out, ",{}", column[i]).unwrap();
            }
            writeln!(out).unwrap();
        }
        println!("wrote {}", path.display());
    }
    for (whole_days, name) in [(true, "whole_days"), (false, "continuous")] {
        let data = cohort(n, 0x5eed ^ n as u64, whole_days);
        let path = dir.join(format!("{name}_{n}.csv"));
        let mut out =
            std::io::BufWriter::new(std::fs::File::create(&path).expect("create the CSV"));
        writeln!(out, "time,status,group").unwrap();
        for i in 0..n {
            writeln!(
                out,
                "{},{},{}",
                data.time[i],
                u8::from(data.event[i]),
                data.group[i]
            )
            .unwrap();
        }
        println!("wrote {}", path.display());
    }
}
