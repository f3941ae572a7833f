//! The exact Fisher p-value by walking the network of partial tables, the idea
//! of Mehta and Patel's algorithm that R's `fisher.test` runs (written here
//! from the idea, not from R's code).
//!
//! Columns are filled one at a time. After `j` columns, what is left to place
//! is the rows' remaining totals, sorted (the order of rows does not change
//! which completions exist or how likely they are): that is a node. Every
//! partial table reaching a node is summarised by its "core", −Σ ln(cell!)
//! over its cells, and partial tables with the same core are merged, counted.
//! At each node, bounds on the core of the completions decide for each past
//! core whether every completion counts (their probabilities then sum in
//! closed form), none does, or the walk must go on.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Cores closer than this merge: far below the precision asked of a
/// p-value, far above the rounding that makes equal cores differ.
const CORE_RESOLUTION: f64 = 1e-10;

/// The margins and constants of one table.
pub(super) struct Network<'a> {
    /// ln(k!) for k up to the total.
    pub ln_factorial: &'a [f64],
    pub rows: &'a [u64],
    pub cols: &'a [u64],
    /// A table counts when its core is at most this.
    pub threshold: f64,
    /// log P(table) = constant + core.
    pub constant: f64,
    /// The most steps (a past core at a node, or a column filled) before giving up.
    pub max_steps: u64,
}

/// Past cores at one node: resolution key → (core, number of partial tables).
type Pasts = Map<i64, (f64, f64)>;

/// A hash map keyed by small integers and short vectors of them, with a
/// multiplicative hash: no adversary chooses these keys, and SipHash was most
/// of the walk's time.
type Map<K, V> = HashMap<K, V, BuildHasherDefault<MixHasher>>;

#[derive(Default)]
struct MixHasher(u64);

impl Hasher for MixHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_i64(&mut self, x: i64) {
        self.write_u64(x as u64);
    }

    fn write_usize(&mut self, x: usize) {
        self.write_u64(x as u64);
    }
}

impl Network<'_> {
    /// The sum of the probabilities of the tables that count, or `None` when
    /// the walk would take more than `max_steps`.
    pub(super) fn p_value(&self) -> Option<f64> {
        let mut sum = Sum::default();
        let mut steps = 0u64;
        let mut start = self.rows.to_vec();
        start.sort_unstable();
        let mut level: Map<Vec<u64>, Pasts> = Map::default();
        level.entry(start).or_default().insert(0, (0.0, 1.0));
        let last = self.cols.len() - 1;
        for j in 0..last {
            let mut next: Map<Vec<u64>, Pasts> = Map::default();
            for (remaining, pasts) in level {
                let (most_likely, least_likely) = self.completion_bounds(j, &remaining);
                let mass = self.ln_completion_mass(j, &remaining);
                let mut open = Vec::new();
                for (core, count) in pasts.into_values() {
                    steps += 1;
                    if core + least_likely > self.threshold {
                        continue;
                    }
                    if core + most_likely <= self.threshold {
                        sum.add(count * (self.constant + core + mass).exp());
                    } else {
                        open.push((core, count));
                    }
                }
                if open.is_empty() {
                    continue;
                }
                let mut fill = vec![0u64; remaining.len()];
                let mut ok = true;
                self.fills(&remaining, self.cols[j], 0, &mut fill, &mut |fill| {
                    steps += 1 + open.len() as u64;
                    if steps > self.max_steps {
                        ok = false;
                        return false;
                    }
                    let mut child: Vec<u64> =
                        remaining.iter().zip(fill).map(|(&r, &x)| r - x).collect();
                    child.sort_unstable();
                    let fill_core: f64 = -fill
                        .iter()
                        .map(|&x| self.ln_factorial[x as usize])
                        .sum::<f64>();
                    let pasts = next.entry(child).or_default();
                    for &(core, count) in &open {
                        let core = core + fill_core;
                        let key = (core / CORE_RESOLUTION).round() as i64;
                        pasts.entry(key).or_insert((core, 0.0)).1 += count;
                    }
                    true
                });
                if !ok || steps > self.max_steps {
                    return None;
                }
            }
            level = next;
        }
        // The last column takes what every row has left.
        for (remaining, pasts) in level {
            let last_core: f64 = -remaining
                .iter()
                .map(|&k| self.ln_factorial[k as usize])
                .sum::<f64>();
            for (core, count) in pasts.into_values() {
                if core + last_core <= self.threshold {
                    sum.add(count * (self.constant + core + last_core).exp());
                }
            }
        }
        Some(sum.value())
    }

    /// Calls `visit` with every way to place `need` subjects of one column in
    /// rows `i..` within their remaining totals; stops when it returns false.
    fn fills(
        &self,
        remaining: &[u64],
        need: u64,
        i: usize,
        fill: &mut [u64],
        visit: &mut dyn FnMut(&[u64]) -> bool,
    ) -> bool {
        if i + 1 == remaining.len() {
            if need > remaining[i] {
                return true;
            }
            fill[i] = need;
            return visit(fill);
        }
        let rest: u64 = remaining[i + 1..].iter().sum();
        let lo = need.saturating_sub(rest);
        let hi = need.min(remaining[i]);
        for x in lo..=hi {
            fill[i] = x;
            if !self.fills(remaining, need - x, i + 1, fill, visit) {
                return false;
            }
        }
        true
    }

    /// Bounds on the core of the completions of columns `j..` given the rows'
    /// remaining totals (sorted). Relaxed to one margin at a time, each column
    /// (or each row) on its own subject only to its total and the other
    /// margin's remainders is most likely spread as evenly as they allow and
    /// least likely piled into the largest; dropping the coupling can only
    /// widen the range, so the tighter of the two relaxations is taken.
    fn completion_bounds(&self, j: usize, remaining: &[u64]) -> (f64, f64) {
        let lf = |k: u64| self.ln_factorial[k as usize];
        let mut columns: Vec<u64> = self.cols[j..].to_vec();
        columns.sort_unstable();
        let (up_by_columns, low_by_columns) = relaxed(&columns, remaining, lf);
        let (up_by_rows, low_by_rows) = relaxed(remaining, &columns, lf);
        (
            up_by_columns.min(up_by_rows),
            low_by_columns.max(low_by_rows),
        )
    }

    /// ln Σ over the completions of columns `j..` of Π 1/cell!, which is
    /// N! / (Π rows! Π columns!) over what remains.
    fn ln_completion_mass(&self, j: usize, remaining: &[u64]) -> f64 {
        let lf = |k: u64| self.ln_factorial[k as usize];
        let n: u64 = remaining.iter().sum();
        lf(n)
            - remaining.iter().map(|&r| lf(r)).sum::<f64>()
            - self.cols[j..].iter().map(|&c| lf(c)).sum::<f64>()
    }
}

/// The bounds of [`Network::completion_bounds`] relaxed to the totals in
/// `totals`, each placed on its own into cells capped by `caps` (sorted).
fn relaxed(totals: &[u64], caps: &[u64], lf: impl Fn(u64) -> f64) -> (f64, f64) {
    let mut upper = 0.0;
    let mut lower = 0.0;
    for &total in totals {
        // Even: the smallest caps fill first, the rest share alike.
        let mut left = total;
        for (k, &cap) in caps.iter().enumerate() {
            let cells = (caps.len() - k) as u64;
            let share = left / cells;
            if cap <= share {
                upper -= lf(cap);
                left -= cap;
            } else {
                let extra = left % cells;
                upper -= (cells - extra) as f64 * lf(share) + extra as f64 * lf(share + 1);
                break;
            }
        }
        // Piled: the largest caps first.
        let mut left = total;
        for &cap in caps.iter().rev() {
            let x = cap.min(left);
            lower -= lf(x);
            left -= x;
            if left == 0 {
                break;
            }
        }
    }
    (upper, lower)
}

/// A Neumaier-compensated sum of probabilities.
#[derive(Default)]
struct Sum {
    sum: f64,
    compensation: f64,
}

impl Sum {
    fn add(&mut self, p: f64) {
        let t = self.sum + p;
        if self.sum.abs() >= p.abs() {
            self.compensation += (self.sum - t) + p;
        } else {
            self.compensation += (p - t) + self.sum;
        }
        self.sum = t;
    }

    fn value(&self) -> f64 {
        self.sum + self.compensation
    }
}
