use std::time::Instant;
use surv_engine::{KmConfig, LogRankConfig, SurvivalData, kaplan_meier, log_rank};
fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let mut s = 0x9e3779b97f4a7c15u64;
    let mut u = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let time: Vec<f64> = (0..n).map(|_| -u().max(1e-300).ln() * 700.0).collect();
    let event: Vec<bool> = (0..n).map(|_| u() < 0.7).collect();
    let group: Vec<u32> = (0..n).map(|_| (u() < 0.5) as u32).collect();
    let mut scratch = time.clone();
    for _ in 0..15 {
        let t = Instant::now();
        scratch.copy_from_slice(&time);
        scratch.sort_unstable_by(f64::total_cmp);
        std::hint::black_box(&scratch);
        let sort = t.elapsed().as_secs_f64() * 1e3;
        let t = Instant::now();
        let d = SurvivalData::new(&time, &event).unwrap();
        let c = if std::env::var("ONLY").as_deref() == Ok("lr") {
            None
        } else {
            Some(kaplan_meier(&d, &KmConfig::default()).unwrap())
        };
        std::hint::black_box(&c);
        let km = t.elapsed().as_secs_f64() * 1e3;
        drop(c);
        if std::env::var("ONLY").as_deref() == Ok("km") {
            eprintln!("sort {sort:.1} km {km:.1} ({:.2}x)", km / sort);
            continue;
        }
        let t = Instant::now();
        let d = SurvivalData::new(&time, &event)
            .unwrap()
            .with_groups(&group)
            .unwrap();
        let r = log_rank(&d, &LogRankConfig::default()).unwrap();
        std::hint::black_box(&r);
        let lr = t.elapsed().as_secs_f64() * 1e3;
        eprintln!(
            "sort {sort:.1} km {km:.1} ({:.2}x) lr {lr:.1} ({:.2}x)",
            km / sort,
            lr / sort
        );
    }
}
