//! Factors that split the patients almost the same way: their effects cannot
//! be told apart in these rows. Found by a general rule over every pair of
//! two-level factors, not written by hand for one pair: the 2×2 table of the
//! two splits has at most one patient off its diagonal, or |φ| > 0.8.
//!
//! For such a pair the first factor is also tested within the levels of the
//! second (stratified log-rank and its exact permutation test), with how few
//! relabellings that test has to go on.

use dizdar2021_cohort::Cohort;
use serde::Serialize;
use surv_engine::{
    LogRankConfig, PermutationConfig, PermutationMethod, SurvivalData, SurvivalError, log_rank,
    permutation_log_rank,
};

use crate::factors::Factor;

/// At most this many patients off the diagonal make two splits "the same".
pub const MAX_OFF_DIAGONAL: usize = 1;

/// Above this |φ| two splits are "nearly the same".
pub const MIN_PHI: f64 = 0.8;

/// Patients in one cell of the 2×2 table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    /// The first factor's level.
    pub first: String,
    /// The second factor's level.
    pub second: String,
    /// Patient numbers, ascending.
    pub patients: Vec<u32>,
}

/// A test of the first factor within the levels of the second.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StratifiedTest {
    /// Stratified log-rank chi-square p-value.
    pub logrank_p: f64,
    /// Its permutation p-value (relabelling within strata).
    pub permutation_p: f64,
    /// How many within-strata relabellings there are (`None`: Monte Carlo).
    pub relabellings: Option<u64>,
    /// Patients in strata that hold both levels of the first factor: the only
    /// ones the stratified test learns from.
    pub informative: usize,
}

/// Two factors that split the patients almost identically.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overlap {
    /// The first factor's id (a factor the paper names, where one of the two is).
    pub first: String,
    /// The second factor's id.
    pub second: String,
    /// The φ coefficient of the 2×2 table.
    pub phi: f64,
    /// Patients off the diagonal (the pairing of levels that agrees most).
    pub off_diagonal: usize,
    /// The smaller cell on the diagonal: the patients the two splits single
    /// out together.
    pub together: Cell,
    /// The non-empty cells off the diagonal.
    pub apart: Vec<Cell>,
    /// The first factor tested within the levels of the second.
    pub stratified: StratifiedTest,
}

/// Every pair of two-level factors whose splits nearly coincide on `cohort`.
pub fn find(cohort: &Cohort, factors: &[Factor]) -> Result<Vec<Overlap>, SurvivalError> {
    let patients = cohort.patients();
    // Two-level factors, each patient's level as 0/1 (levels without patients dropped).
    let splits: Vec<(&Factor, Vec<usize>, [usize; 2])> = factors
        .iter()
        .filter_map(|f| {
            let raw: Vec<usize> = patients.iter().map(f.level_of).collect();
            let present: Vec<usize> = (0..f.levels.len()).filter(|l| raw.contains(l)).collect();
            let [a, b] = present[..] else { return None };
            let codes = raw.iter().map(|&l| usize::from(l == b)).collect();
            Some((f, codes, [a, b]))
        })
        .collect();
    let mut found = Vec::new();
    for (i, (f, fc, fl)) in splits.iter().enumerate() {
        for (g, gc, gl) in &splits[i + 1..] {
            let mut table = [[0usize; 2]; 2];
            for (&x, &y) in fc.iter().zip(gc) {
                table[x][y] += 1;
            }
            let straight = table[0][1] + table[1][0];
            let crossed = table[0][0] + table[1][1];
            let off_diagonal = straight.min(crossed);
            let phi = phi(&table);
            if off_diagonal > MAX_OFF_DIAGONAL && phi.abs() <= MIN_PHI {
                continue;
            }
            // The paper's factor first: it is the one whose test is in question.
            let (first, fc, fl, second, gc, gl) = if !f.named_by_paper && g.named_by_paper {
                (g, gc, gl, f, fc, fl)
            } else {
                (f, fc, fl, g, gc, gl)
            };
            // Diagonal pairs level x of `first` with level pair(x) of `second`.
            let pair = |x: usize| if straight <= crossed { x } else { 1 - x };
            let members = |x: usize, y: usize| Cell {
                first: first.levels[fl[x]].to_owned(),
                second: second.levels[gl[y]].to_owned(),
                patients: patients
                    .iter()
                    .zip(fc.iter().zip(gc.iter()))
                    .filter(|(_, (a, b))| **a == x && **b == y)
                    .map(|(p, _)| p.number)
                    .collect(),
            };
            let diagonal = [members(0, pair(0)), members(1, pair(1))];
            let together = diagonal
                .into_iter()
                .min_by_key(|c| c.patients.len())
                .unwrap_or_else(|| members(0, pair(0)));
            let apart = [members(0, pair(1)), members(1, pair(0))]
                .into_iter()
                .filter(|c| !c.patients.is_empty())
                .collect();
            found.push(Overlap {
                first: first.id.to_owned(),
                second: second.id.to_owned(),
                phi,
                off_diagonal,
                together,
                apart,
                stratified: stratified(cohort, fc, gc)?,
            });
        }
    }
    Ok(found)
}

/// φ of a 2×2 table; 0 when a margin is empty.
fn phi(t: &[[usize; 2]; 2]) -> f64 {
    let [[a, b], [c, d]] = t.map(|row| row.map(|x| x as f64));
    let margins = (a + b) * (c + d) * (a + c) * (b + d);
    if margins == 0.0 {
        0.0
    } else {
        (a * d - b * c) / margins.sqrt()
    }
}

/// The first split tested within the levels of the second.
fn stratified(
    cohort: &Cohort,
    first: &[usize],
    second: &[usize],
) -> Result<StratifiedTest, SurvivalError> {
    let times = cohort.survival_months();
    let deaths = cohort.deaths();
    let groups: Vec<u32> = first.iter().map(|&x| x as u32).collect();
    let strata: Vec<u32> = second.iter().map(|&y| y as u32).collect();
    let data = SurvivalData::new(&times, &deaths)?
        .with_groups(&groups)?
        .with_strata(&strata)?;
    let test = log_rank(&data, &LogRankConfig::default())?;
    let permutation = permutation_log_rank(&data, &PermutationConfig::default())?;
    let informative = (0..2u32)
        .filter(|&s| {
            let in_stratum = || groups.iter().zip(&strata).filter(move |(_, t)| **t == s);
            in_stratum().any(|(g, _)| *g == 0) && in_stratum().any(|(g, _)| *g == 1)
        })
        .map(|s| strata.iter().filter(|&&t| t == s).count())
        .sum();
    Ok(StratifiedTest {
        logrank_p: test.p_value,
        permutation_p: permutation.p_value,
        relabellings: match permutation.method {
            PermutationMethod::Exact { relabellings } => Some(relabellings),
            PermutationMethod::MonteCarlo { .. } => None,
        },
        informative,
    })
}
