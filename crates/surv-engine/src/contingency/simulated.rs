//! Fisher's p-value estimated from random tables with the observed margins,
//! for tables with too many arrangements to enumerate.

use crate::contingency::FisherConfig;
use crate::random::SplitMix64;

/// The Monte Carlo p-value: the share of random tables with the observed
/// margins that are no more likely than the observed one, `(1 + k) / (B + 1)`.
/// Each table assigns the subjects, shuffled, to the columns in turn.
pub(super) fn monte_carlo(
    rows: &[u64],
    cols: &[u64],
    ln_factorial: &[f64],
    threshold: f64,
    config: &FisherConfig,
) -> f64 {
    let mut subjects: Vec<u32> = rows
        .iter()
        .enumerate()
        .flat_map(|(i, &r)| std::iter::repeat_n(i as u32, r as usize))
        .collect();
    let n = subjects.len();
    let mut rng = SplitMix64(config.seed);
    let mut cell = vec![0u64; rows.len()];
    let mut as_extreme = 0u64;
    for _ in 0..config.replicates {
        for i in 0..n.saturating_sub(1) {
            let j = i + rng.below((n - i) as u64) as usize;
            subjects.swap(i, j);
        }
        let mut core = 0.0;
        let mut start = 0;
        for &c in cols {
            cell.iter_mut().for_each(|k| *k = 0);
            for &row in &subjects[start..start + c as usize] {
                cell[row as usize] += 1;
            }
            start += c as usize;
            core -= cell.iter().map(|&k| ln_factorial[k as usize]).sum::<f64>();
        }
        if core <= threshold {
            as_extreme += 1;
        }
    }
    (1 + as_extreme) as f64 / (config.replicates + 1) as f64
}
