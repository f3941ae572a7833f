//! The permutation log-rank test: the distribution of the G-rho statistic of
//! [`log_rank`](crate::log_rank) under random relabelling of the groups within
//! strata, exact by enumeration when the relabellings are few enough, Monte
//! Carlo otherwise. Valid at any sample size, where the chi-square approximation
//! is not, and it asks the same question as the log-rank test printed beside
//! it: the same weights, the same strata.
//!
//! Each subject gets the score
//! a = w(t)·δ − Σ w(u)·d_u/n_u over the event times u ≤ t of its stratum,
//! with w(u) = S(u−)^rho, S the pooled Kaplan-Meier of the stratum (rho = 0
//! gives the log-rank score δ − H(t)). The weights depend only on the pooled
//! stratum data, so under any labelling a group's observed minus expected
//! events, as `log_rank` counts them, is exactly the sum of its members'
//! scores, T_g. Relabelling within strata keeps every score and every stratum's
//! group sizes, so T has mean 0 and covariance
//! Σ_s v_s·(n_gs·δ_gh − n_gs·n_hs/n_s), v_s the sample variance of stratum s's
//! scores. The statistic is the quadratic form TᵀΣ⁻¹T over all groups but the
//! last (for two groups T₁²/Var T₁, equivalent to |T₁|): the test
//! `coin::logrank_test` performs, with the strata as its block factor.
//!
//! The rows are sorted once (bucketed by stratum with a counting pass, then by
//! time), R's merging of near-tied times is applied to the sorted keys, and one
//! pass over each stratum gives the scores. After that a relabelling only moves
//! scores between groups: the enumeration keeps running sums along its search
//! tree and the Monte Carlo shuffles scores in place, neither allocating per
//! relabelling.

use crate::data::{RowFeature, SurvivalData};
use crate::error::SurvivalError;
use crate::linalg;
use crate::logrank::LogRankConfig;
use crate::order;
use crate::random::SplitMix64;

/// How the permutation distribution is obtained.
///
/// ```
/// use surv_engine::PermutationConfig;
/// let config = PermutationConfig { seed: 7, ..PermutationConfig::default() };
/// assert_eq!(config.max_exact, 2_000_000);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PermutationConfig {
    /// The test whose statistic is permuted: the same weights (rho) as the
    /// log-rank test it stands beside.
    pub log_rank: LogRankConfig,
    /// Enumerate every relabelling when there are at most this many.
    pub max_exact: u64,
    /// Random relabellings drawn otherwise.
    pub resamples: u64,
    /// Seed of the random relabellings (the same seed gives the same p-value).
    pub seed: u64,
}

impl Default for PermutationConfig {
    fn default() -> Self {
        PermutationConfig {
            log_rank: LogRankConfig::default(),
            max_exact: 2_000_000,
            resamples: 100_000,
            seed: 20_240_601,
        }
    }
}

/// How a p-value was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(tag = "kind", rename_all = "snake_case")
)]
pub enum PermutationMethod {
    /// Every distinct relabelling was evaluated.
    Exact {
        /// Number of distinct relabellings.
        relabellings: u64,
    },
    /// Random relabellings were drawn.
    MonteCarlo {
        /// Number drawn.
        resamples: u64,
        /// The seed.
        seed: u64,
    },
}

/// A permutation log-rank test.
///
/// ```
/// use surv_engine::{permutation_log_rank, PermutationConfig, PermutationMethod, SurvivalData};
/// let times = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
/// let events = [true; 8];
/// let groups = [0, 0, 0, 0, 1, 1, 1, 1];
/// let data = SurvivalData::new(&times, &events).and_then(|d| d.with_groups(&groups)).unwrap();
/// let test = permutation_log_rank(&data, &PermutationConfig::default()).unwrap();
/// assert_eq!(test.method, PermutationMethod::Exact { relabellings: 70 });
/// assert!((test.p_value - 2.0 / 70.0).abs() < 1e-12); // only the observed split and its mirror are as extreme
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PermutationTest {
    /// TᵀΣ⁻T for the observed labels.
    pub statistic: f64,
    /// Fraction of relabellings with a statistic at least as large.
    pub p_value: f64,
    /// Monte Carlo standard error of `p_value` (`None` when exact).
    pub std_err: Option<f64>,
    /// How it was computed.
    pub method: PermutationMethod,
}

/// Statistics within this relative distance count as equal (rounding).
const TIE_TOLERANCE: f64 = 1e-10;

/// The permutation test of the groups of `data` (k ≥ 2), relabelling within
/// its strata, if any, and weighting event times as `config.log_rank` says.
///
/// Exact when the within-strata relabellings, Π_s n_s! / Π_g n_gs!, number at
/// most `config.max_exact`; otherwise `config.resamples` random ones.
///
/// ```
/// use surv_engine::{log_rank, permutation_log_rank, LogRankConfig, PermutationConfig, PermutationMethod, SurvivalData};
/// let times = [2.0, 3.0, 5.0, 8.0, 4.0, 6.0, 9.0, 12.0, 20.0, 22.0, 30.0, 31.0];
/// let events = [true, true, true, false, true, true, true, false, true, true, false, true];
/// let arm = [0, 0, 1, 1, 0, 1, 1, 1, 0, 0, 1, 0];
/// let centre = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
/// let data = SurvivalData::new(&times, &events)?.with_groups(&arm)?.with_strata(&centre)?;
/// let log_rank_config = LogRankConfig { rho: 1.0 };
/// let config = PermutationConfig { log_rank: log_rank_config, ..PermutationConfig::default() };
/// let test = permutation_log_rank(&data, &config)?;
/// // Each centre keeps its 3 + 3 split: C(6, 3)² relabellings.
/// assert_eq!(test.method, PermutationMethod::Exact { relabellings: 400 });
/// assert!(test.p_value > 0.0 && test.p_value <= 1.0);
/// // The statistic permuted is the stratified Peto-Peto one printed beside it.
/// let beside = log_rank(&data, &log_rank_config)?;
/// assert_eq!(beside.df, 1);
/// # Ok::<(), surv_engine::SurvivalError>(())
/// ```
pub fn permutation_log_rank(
    data: &SurvivalData,
    config: &PermutationConfig,
) -> Result<PermutationTest, SurvivalError> {
    data.refuse(
        "permutation log-rank test",
        &[RowFeature::Entry, RowFeature::Weights, RowFeature::Clusters],
    )?;
    config.log_rank.check()?;
    let groups = data.require_groups()?;
    let k = data.n_groups();
    if k < 2 {
        return Err(SurvivalError::TooFewGroups { found: k });
    }
    if data.n_events() == 0 {
        return Err(SurvivalError::NoEvents);
    }
    let scored = Scored::new(data, groups, config.log_rank.rho)?;
    let statistic = Statistic::new(&scored)?;
    let observed = statistic.of_sums(&scored.observed);
    if !observed.is_finite() {
        return Err(SurvivalError::NotFinite {
            what: "permutation log-rank statistic",
        });
    }
    let threshold = observed - TIE_TOLERANCE * observed.abs().max(1.0);
    let blocks = Blocks::new(&scored);

    match blocks.relabellings() {
        Some(count) if count <= config.max_exact => {
            let extreme = Enumeration::count(&scored, &blocks, &statistic, threshold);
            Ok(PermutationTest {
                statistic: observed,
                p_value: extreme as f64 / count as f64,
                std_err: None,
                method: PermutationMethod::Exact {
                    relabellings: count,
                },
            })
        }
        _ => {
            if config.resamples == 0 {
                return Err(SurvivalError::InvalidParameter {
                    name: "resamples",
                    value: 0.0,
                    expected: "at least one random relabelling",
                });
            }
            let extreme = monte_carlo(&scored, &blocks, &statistic, threshold, config);
            let p = extreme as f64 / config.resamples as f64;
            Ok(PermutationTest {
                statistic: observed,
                p_value: p,
                std_err: Some((p * (1.0 - p) / config.resamples as f64).sqrt()),
                method: PermutationMethod::MonteCarlo {
                    resamples: config.resamples,
                    seed: config.seed,
                },
            })
        }
    }
}

/// Every subject's score, with the rows sorted once: bucketed by stratum, by
/// time within each. Which row a score belongs to no longer matters after
/// this, only its stratum and (for the observed statistic) its group.
struct Scored {
    /// Number of groups.
    k: usize,
    /// Stratum `s` holds `scores[starts[s]..starts[s + 1]]`.
    starts: Vec<usize>,
    /// The scores, stratum by stratum.
    scores: Vec<f64>,
    /// n_gs: rows of group `g` in stratum `s` at `s·k + g`.
    sizes: Vec<usize>,
    /// Sum of the scores of each group but the last under the observed labels:
    /// the observed T.
    observed: Vec<f64>,
}

impl Scored {
    fn new(data: &SurvivalData, groups: &[u32], rho: f64) -> Result<Scored, SurvivalError> {
        let (times, events) = (data.times(), data.events());
        let (n, k, n_strata) = (times.len(), data.n_groups(), data.n_strata());

        // The one sort: (key, group) pairs bucketed by stratum with a counting
        // pass, each bucket sorted; the group travels with its time.
        let mut sizes = vec![0usize; n_strata * k];
        for (i, &g) in groups.iter().enumerate() {
            sizes[data.stratum_of(i) * k + g as usize] += 1;
        }
        let mut starts = Vec::with_capacity(n_strata + 1);
        starts.push(0);
        for stratum in sizes.chunks(k) {
            starts.push(starts.last().copied().unwrap_or(0) + stratum.iter().sum::<usize>());
        }
        let mut next = starts.clone();
        let mut keyed = vec![(0u64, 0u32); n];
        for i in 0..n {
            let slot = &mut next[data.stratum_of(i)];
            keyed[*slot] = (order::key(times[i], events[i]), groups[i]);
            *slot += 1;
        }
        for w in starts.windows(2) {
            keyed[w[0]..w[1]].sort_unstable();
        }
        let mut keys: Vec<u64> = keyed.iter().map(|&(key, _)| key).collect();
        // Near ties are merged over all strata at once, as R's `timefix` does;
        // the buckets stay sorted by time.
        order::merge_near_ties(&mut keys, &starts);

        let mut scores = vec![0.0; n];
        for w in starts.windows(2) {
            stratum_scores(&keys[w[0]..w[1]], &mut scores[w[0]..w[1]], rho);
        }
        // Only an extreme negative rho can overflow S(t−)^rho.
        if scores.iter().any(|a| !a.is_finite()) {
            return Err(SurvivalError::NotFinite {
                what: "permutation log-rank score",
            });
        }
        let mut observed = vec![0.0; k - 1];
        for (&(_, g), &a) in keyed.iter().zip(&scores) {
            if let Some(sum) = observed.get_mut(g as usize) {
                *sum += a;
            }
        }
        Ok(Scored {
            k,
            starts,
            scores,
            sizes,
            observed,
        })
    }

    fn n_strata(&self) -> usize {
        self.starts.len() - 1
    }

    fn stratum(&self, s: usize) -> &[f64] {
        &self.scores[self.starts[s]..self.starts[s + 1]]
    }

    /// n_gs for the groups of stratum `s`.
    fn sizes_of(&self, s: usize) -> &[usize] {
        &self.sizes[s * self.k..(s + 1) * self.k]
    }
}

/// The scores of one stratum's sorted keys, written to `scores` in the same
/// order: a = w(t)·δ − Σ_{event times u ≤ t} w(u)·d_u/n_u. A censoring tied
/// with an event time was at risk there, so that time's term is included.
fn stratum_scores(keys: &[u64], scores: &mut [f64], rho: f64) {
    let mut at_risk = keys.len();
    let (mut survival, mut cumulative) = (1.0f64, 0.0f64);
    let mut start = 0;
    while start < keys.len() {
        let t = order::time_of(keys[start]);
        let end = start
            + keys[start..]
                .iter()
                .take_while(|&&key| order::time_of(key) == t)
                .count();
        let deaths = keys[start..end]
            .iter()
            .filter(|&&key| order::is_event(key))
            .count();
        // S(t−): the product over earlier event times only, as `survdiff` weights.
        let weight = if rho == 0.0 { 1.0 } else { survival.powf(rho) };
        if deaths > 0 {
            let (n, d) = (at_risk as f64, deaths as f64);
            cumulative += weight * d / n;
            survival *= (n - d) / n;
        }
        for (a, &key) in scores[start..end].iter_mut().zip(&keys[start..end]) {
            *a = if order::is_event(key) { weight } else { 0.0 } - cumulative;
        }
        at_risk -= end - start;
        start = end;
    }
}

/// The quadratic form TᵀΣ⁻¹T, with Σ restricted to all groups but the last.
struct Statistic {
    /// k − 1.
    m: usize,
    /// Inverse of the reduced covariance, row-major m × m.
    inverse: Vec<f64>,
}

impl Statistic {
    /// Σ = Σ_s v_s·(diag(n_gs) − n_gs·n_hs/n_s): the permutation covariance of
    /// T when each stratum's labels are shuffled independently.
    fn new(scored: &Scored) -> Result<Statistic, SurvivalError> {
        let m = scored.k - 1;
        let mut cov = vec![0.0; m * m];
        let mut present: Vec<usize> = Vec::with_capacity(m);
        for s in 0..scored.n_strata() {
            let scores = scored.stratum(s);
            let n = scores.len();
            if n < 2 {
                continue; // one subject: nothing to relabel
            }
            let mean = scores.iter().sum::<f64>() / n as f64;
            let spread =
                scores.iter().map(|a| (a - mean) * (a - mean)).sum::<f64>() / (n - 1) as f64;
            let sizes = scored.sizes_of(s);
            // Groups absent from the stratum add nothing: skip them, so that many
            // small strata cost O(present²) each, not O(k²).
            present.clear();
            present.extend((0..m).filter(|&g| sizes[g] > 0));
            let n = n as f64;
            for &g in &present {
                let ng = sizes[g] as f64;
                for &h in &present {
                    let nh = sizes[h] as f64;
                    let diagonal = if g == h { ng } else { 0.0 };
                    cov[g * m + h] += spread * (diagonal - ng * nh / n);
                }
            }
        }
        let chol = linalg::Cholesky::new(&cov, m, f64::EPSILON * m as f64)
            .ok_or(SurvivalError::SingularVariance)?;
        Ok(Statistic {
            m,
            inverse: chol.inverse(),
        })
    }

    /// TᵀΣ⁻¹T for `sums` = T (length k − 1).
    #[inline]
    fn of_sums(&self, sums: &[f64]) -> f64 {
        let m = self.m;
        let mut q = 0.0;
        for (g, &tg) in sums.iter().enumerate() {
            let row = &self.inverse[g * m..(g + 1) * m];
            q += tg * row.iter().zip(sums).map(|(v, th)| v * th).sum::<f64>();
        }
        q
    }
}

/// How each stratum is relabelled. A stratum with one group only has a single
/// labelling and adds a fixed amount to T; in every other stratum the groups
/// present are placed smallest first and the largest takes the rest, its sum
/// implied by the stratum's total. Placing the small groups keeps the search
/// tree shallow: its depth is at most log₂ of the number of relabellings.
struct Blocks {
    /// T's share from the strata with a single labelling.
    fixed: Vec<f64>,
    /// The strata that can be relabelled.
    free: Vec<FreeStratum>,
}

struct FreeStratum {
    /// Its rows in [`Scored::scores`].
    start: usize,
    end: usize,
    /// Sum of its scores (0 up to rounding).
    total: f64,
    /// The groups placed, smallest first.
    placed: Vec<Placed>,
    /// The largest group, which takes the rows left over.
    rest: usize,
}

#[derive(Debug, Clone, Copy)]
struct Placed {
    group: usize,
    size: usize,
    /// Rows still unplaced when this group's turn comes.
    pool: usize,
    /// Where the enumeration keeps that pool (`Enumeration::pool`) and this
    /// group's running sum (`Enumeration::placed_sum`).
    pool_offset: usize,
    index: usize,
}

impl Blocks {
    fn new(scored: &Scored) -> Blocks {
        let m = scored.k - 1;
        let mut fixed = vec![0.0; m];
        let mut free = Vec::new();
        let (mut pool_offset, mut index) = (0, 0);
        for s in 0..scored.n_strata() {
            let sizes = scored.sizes_of(s);
            let scores = scored.stratum(s);
            let total: f64 = scores.iter().sum();
            let mut present: Vec<usize> = (0..scored.k).filter(|&g| sizes[g] > 0).collect();
            // Stable: among equal sizes the later group becomes the rest.
            present.sort_by_key(|&g| sizes[g]);
            let Some(rest) = present.pop() else {
                continue; // an unused stratum code
            };
            if present.is_empty() {
                if let Some(sum) = fixed.get_mut(rest) {
                    *sum += total;
                }
                continue;
            }
            let mut pool = scores.len();
            let placed = present
                .iter()
                .map(|&g| {
                    let p = Placed {
                        group: g,
                        size: sizes[g],
                        pool,
                        pool_offset,
                        index,
                    };
                    pool -= sizes[g];
                    pool_offset += p.pool;
                    index += 1;
                    p
                })
                .collect();
            free.push(FreeStratum {
                start: scored.starts[s],
                end: scored.starts[s + 1],
                total,
                placed,
                rest,
            });
        }
        Blocks { fixed, free }
    }

    /// Π_s n_s! / Π_g n_gs!, or `None` if it exceeds u64.
    fn relabellings(&self) -> Option<u64> {
        self.free.iter().try_fold(1u64, |product, stratum| {
            stratum.placed.iter().try_fold(product, |product, p| {
                product.checked_mul(binomial(p.pool as u64, p.size as u64)?)
            })
        })
    }

    /// Total length of the enumeration's pools.
    fn pool_len(&self) -> usize {
        self.free
            .iter()
            .flat_map(|s| &s.placed)
            .map(|p| p.pool)
            .sum()
    }

    /// Number of placed groups over all strata.
    fn n_placed(&self) -> usize {
        self.free.iter().map(|s| s.placed.len()).sum()
    }
}

/// C(n, r), or `None` if it exceeds u64.
fn binomial(n: u64, r: u64) -> Option<u64> {
    if r > n {
        return Some(0);
    }
    let r = r.min(n - r);
    let mut total: u64 = 1;
    for i in 1..=r {
        // total · (n − r + i) / i stays whole at every step: it is C(n − r + i, i).
        // The product is formed in u128 so that only the result can overflow.
        let product = u128::from(total) * u128::from(n - r + i) / u128::from(i);
        total = u64::try_from(product).ok()?;
    }
    Some(total)
}

/// Counts the relabellings whose statistic reaches the threshold: stratum by
/// stratum, each group placed by choosing its members from the rows still
/// unplaced, with T carried down the search tree by value (a leaf's T is a
/// fresh sum along its path, not the residue of additions and subtractions).
struct Enumeration<'a> {
    free: &'a [FreeStratum],
    statistic: &'a Statistic,
    threshold: f64,
    m: usize,
    /// The unplaced rows' scores when each placed group's turn comes, at its
    /// `pool_offset`; the first group's pool is its stratum's scores.
    pool: Vec<f64>,
    /// Which pool entries the current path has chosen.
    picked: Vec<bool>,
    /// The sum chosen for each placed group on the current path.
    placed_sum: Vec<f64>,
    /// T over the strata before each free stratum, (free strata + 1) × m; the
    /// last row is a leaf's T.
    partial: Vec<f64>,
    count: u64,
}

impl<'a> Enumeration<'a> {
    fn count(scored: &Scored, blocks: &'a Blocks, statistic: &'a Statistic, threshold: f64) -> u64 {
        let m = scored.k - 1;
        let mut pool = vec![0.0; blocks.pool_len()];
        for stratum in &blocks.free {
            if let Some(first) = stratum.placed.first() {
                let scores = &scored.scores[stratum.start..stratum.end];
                pool[first.pool_offset..first.pool_offset + first.pool].copy_from_slice(scores);
            }
        }
        let mut partial = vec![0.0; (blocks.free.len() + 1) * m];
        partial[..m].copy_from_slice(&blocks.fixed);
        let mut walk = Enumeration {
            free: &blocks.free,
            statistic,
            threshold,
            m,
            picked: vec![false; pool.len()],
            pool,
            placed_sum: vec![0.0; blocks.n_placed()],
            partial,
            count: 0,
        };
        walk.enter(0, 0);
        walk.count
    }

    /// Starts placing group `j` of free stratum `f`.
    fn enter(&mut self, f: usize, j: usize) {
        let free = self.free;
        let Some(stratum) = free.get(f) else {
            let m = self.m;
            let t = &self.partial[f * m..(f + 1) * m];
            if self.statistic.of_sums(t) >= self.threshold {
                self.count += 1;
            }
            return;
        };
        let Some(&group) = stratum.placed.get(j) else {
            self.finish_stratum(f);
            return;
        };
        if j > 0 {
            // This group chooses from what the previous one left.
            let previous = stratum.placed[j - 1];
            let mut to = group.pool_offset;
            for i in previous.pool_offset..previous.pool_offset + previous.pool {
                if !self.picked[i] {
                    self.pool[to] = self.pool[i];
                    to += 1;
                }
            }
        }
        self.choose(f, j, group, 0, group.size, 0.0);
    }

    /// Chooses `left` more members of `group` (placed `j`-th in stratum `f`)
    /// from its pool entries `from..`, `sum` being those chosen so far.
    fn choose(&mut self, f: usize, j: usize, group: Placed, from: usize, left: usize, sum: f64) {
        if left == 0 {
            self.placed_sum[group.index] = sum;
            self.enter(f, j + 1);
            return;
        }
        for i in from..=group.pool - left {
            let slot = group.pool_offset + i;
            self.picked[slot] = true;
            self.choose(f, j, group, i + 1, left - 1, sum + self.pool[slot]);
            self.picked[slot] = false;
        }
    }

    /// Every placed group of stratum `f` has its members: the largest takes
    /// the rest, and T moves on to the next stratum.
    fn finish_stratum(&mut self, f: usize) {
        let stratum = &self.free[f];
        let m = self.m;
        let (before, after) = self.partial.split_at_mut((f + 1) * m);
        let next = &mut after[..m];
        next.copy_from_slice(&before[f * m..]);
        let mut placed_total = 0.0;
        for p in &stratum.placed {
            let sum = self.placed_sum[p.index];
            placed_total += sum;
            if let Some(t) = next.get_mut(p.group) {
                *t += sum;
            }
        }
        if let Some(t) = next.get_mut(stratum.rest) {
            *t += stratum.total - placed_total;
        }
        self.enter(f + 1, 0);
    }
}

/// Counts the random within-strata relabellings whose statistic reaches the
/// threshold. Each stratum's scores are shuffled in place and its groups read
/// off as consecutive blocks, smallest first; a partial Fisher-Yates shuffle of
/// the blocks' positions suffices, the largest group taking what is left.
fn monte_carlo(
    scored: &Scored,
    blocks: &Blocks,
    statistic: &Statistic,
    threshold: f64,
    config: &PermutationConfig,
) -> u64 {
    let mut rng = SplitMix64(config.seed);
    let mut shuffled = scored.scores.clone();
    let mut t = vec![0.0; scored.k - 1];
    let mut extreme = 0u64;
    for _ in 0..config.resamples {
        t.copy_from_slice(&blocks.fixed);
        for stratum in &blocks.free {
            let rows = &mut shuffled[stratum.start..stratum.end];
            let n = rows.len();
            let mut position = 0;
            let mut placed_total = 0.0;
            for p in &stratum.placed {
                for i in position..position + p.size {
                    let j = i + rng.below((n - i) as u64) as usize;
                    rows.swap(i, j);
                }
                let sum: f64 = rows[position..position + p.size].iter().sum();
                placed_total += sum;
                if let Some(tg) = t.get_mut(p.group) {
                    *tg += sum;
                }
                position += p.size;
            }
            if let Some(tg) = t.get_mut(stratum.rest) {
                *tg += stratum.total - placed_total;
            }
        }
        if statistic.of_sums(&t) >= threshold {
            extreme += 1;
        }
    }
    extreme
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binomials_are_exact_and_overflow_is_caught() {
        assert_eq!(binomial(35, 5), Some(324_632));
        assert_eq!(binomial(23, 11), Some(1_352_078));
        assert_eq!(binomial(7, 0), Some(1));
        assert_eq!(binomial(67, 33), Some(14_226_520_737_620_288_370));
        assert_eq!(binomial(68, 34), None);
    }

    #[test]
    fn scores_follow_the_g_rho_weights() {
        // Times 1, 2, 2 (one event, one censoring), 3: S(1−) = 1, S(2−) = 3/4,
        // S(3−) = 3/4 · 2/3 = 1/2.
        let keys = [
            order::key(1.0, true),
            order::key(2.0, false),
            order::key(2.0, true),
            order::key(3.0, true),
        ];
        let mut scores = [0.0; 4];
        stratum_scores(&keys, &mut scores, 1.0);
        let h1 = 1.0 / 4.0;
        let h2 = h1 + 0.75 / 3.0;
        let h3 = h2 + 0.5;
        let expected = [1.0 - h1, -h2, 0.75 - h2, 0.5 - h3];
        for (a, e) in scores.iter().zip(expected) {
            assert!((a - e).abs() < 1e-15, "{scores:?} vs {expected:?}");
        }
        assert!(scores.iter().sum::<f64>().abs() < 1e-15);
    }
}
