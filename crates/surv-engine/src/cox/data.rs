//! The data of a Cox model, laid out once for every iteration: rows sorted by
//! stratum and by time from the latest back (so risk sets grow as a pass moves
//! forward), covariates centred and stored row by row.

use crate::data::SurvivalData;
use crate::error::SurvivalError;
use crate::order;

/// Sorted, centred model data.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CoxData {
    /// Number of covariates.
    pub p: usize,
    /// Covariates of sorted row `i`: `x[i·p .. (i+1)·p]`, centred by `means`.
    pub x: Vec<f64>,
    /// Event indicator of each sorted row.
    pub event: Vec<bool>,
    /// Time of each sorted row (after R's merging of near-ties).
    pub time: Vec<f64>,
    /// Start of each stratum's rows, and the end (`n`) last.
    pub strata: Vec<usize>,
    /// Start of each run of equal times within a stratum, and `n` last.
    pub tie_runs: Vec<usize>,
    /// Case weight of each sorted row; `None` when all are 1.
    pub weight: Option<Vec<f64>>,
    /// With entry times: when each sorted row joins its risk sets.
    pub entry: Option<Entry>,
    /// With clusters: the dense cluster code of each sorted row.
    pub cluster: Option<Clusters>,
}

/// Entry times of `(start, stop]` rows, laid out for a walk from the latest
/// time back: a row leaves the risk sets once the walk reaches its start.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    /// Entry time of each sorted row (after R's merging of near-tied times).
    pub start: Vec<f64>,
    /// Sorted rows, each stratum's (the same ranges as `strata`) ordered by
    /// entry from the latest back.
    pub by_start: Vec<u32>,
}

/// Cluster codes of the sorted rows, renumbered `0..count`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Clusters {
    pub code: Vec<u32>,
    pub count: usize,
}

impl CoxData {
    /// Checks the covariate `columns` against `data` and lays them out.
    pub(crate) fn new(data: &SurvivalData, columns: &[&[f64]]) -> Result<CoxData, SurvivalError> {
        let n = data.len();
        let p = columns.len();
        if p == 0 {
            return Err(SurvivalError::NoCovariates);
        }
        for (j, column) in columns.iter().enumerate() {
            if column.len() != n {
                return Err(SurvivalError::LengthMismatch {
                    column: "covariate",
                    expected: n,
                    found: column.len(),
                });
            }
            if let Some(i) = column.iter().position(|v| !v.is_finite()) {
                return Err(SurvivalError::InvalidCovariate {
                    covariate: j,
                    index: i,
                    value: column[i],
                });
            }
        }
        if let Some(i) = data
            .weights()
            .and_then(|w| w.iter().position(|&v| v <= 0.0))
        {
            return Err(SurvivalError::ZeroWeight { index: i });
        }
        let (times, events) = (data.times(), data.events());

        // The one sort: rows bucketed by stratum (a counting pass), each bucket
        // sorted by time from the latest back (ties in row order: the sort is stable).
        let n_strata = data.n_strata();
        let mut starts = vec![0usize; n_strata + 1];
        for i in 0..n {
            starts[data.stratum_of(i) + 1] += 1;
        }
        for s in 0..n_strata {
            starts[s + 1] += starts[s];
        }
        let mut next = starts.clone();
        let mut keyed = vec![(0u64, 0u32); n];
        for i in 0..n {
            let slot = &mut next[data.stratum_of(i)];
            // Descending time: complement of the ordered bits.
            keyed[*slot] = (!((times[i] + 0.0).to_bits()), i as u32);
            *slot += 1;
        }
        for w in starts.windows(2) {
            order::radix::sort_pairs(&mut keyed[w[0]..w[1]]);
        }
        // R's merging of near-tied times, found over all strata at once on the
        // keys in ascending order (each bucket reversed, then back).
        let mut keys: Vec<u64> = keyed
            .iter()
            .map(|&(_, i)| order::key(times[i as usize], events[i as usize]))
            .collect();
        for w in starts.windows(2) {
            keys[w[0]..w[1]].reverse();
        }
        // Entry times travel in the sorted order.
        let mut entry_start: Option<Vec<f64>> = data
            .entry()
            .map(|e| keyed.iter().map(|&(_, i)| e[i as usize]).collect());
        match entry_start.as_mut() {
            Some(start) => order::merge_near_ties_with_entries(&mut keys, &starts, start),
            None => order::merge_near_ties(&mut keys, &starts),
        }
        for w in starts.windows(2) {
            keys[w[0]..w[1]].reverse();
        }

        // Centred for numerical stability, except (as R does) columns holding only
        // -1, 0 and 1, such as indicators: the likelihood is the same either way,
        // but its rounding is not, and matching R's matters where the information
        // is nearly singular.
        let means: Vec<f64> = columns
            .iter()
            .map(|c| {
                if c.iter().all(|&v| v == 0.0 || v == 1.0 || v == -1.0) {
                    0.0
                } else {
                    c.iter().sum::<f64>() / n as f64
                }
            })
            .collect();
        // Each input row is written once to its sorted place: the columns are
        // read in order, and scattered writes are cheaper than scattered reads.
        let mut destination = vec![0u32; n];
        for (r, &(_, i)) in keyed.iter().enumerate() {
            destination[i as usize] = r as u32;
        }
        let mut x = vec![0.0; n * p];
        for (i, &r) in destination.iter().enumerate() {
            let r = r as usize;
            let row = &mut x[r * p..(r + 1) * p];
            for ((slot, column), mean) in row.iter_mut().zip(columns).zip(&means) {
                *slot = column[i] - mean;
            }
        }
        let event: Vec<bool> = keys.iter().map(|&k| order::is_event(k)).collect();
        let time: Vec<f64> = keys.iter().map(|&k| order::time_of(k)).collect();
        let mut tie_runs = Vec::new();
        for w in starts.windows(2) {
            for i in w[0]..w[1] {
                if i == w[0] || time[i] != time[i - 1] {
                    tie_runs.push(i);
                }
            }
        }
        tie_runs.push(n);
        let weight = data
            .weights()
            .map(|w| keyed.iter().map(|&(_, i)| w[i as usize]).collect());
        let entry = entry_start.map(|start| {
            let mut by_start: Vec<u32> = (0..n as u32).collect();
            for w in starts.windows(2) {
                by_start[w[0]..w[1]]
                    .sort_unstable_by(|&a, &b| start[b as usize].total_cmp(&start[a as usize]));
            }
            Entry { start, by_start }
        });
        let cluster = data.clusters().map(|codes| {
            let sorted: Vec<u32> = keyed.iter().map(|&(_, i)| codes[i as usize]).collect();
            let (dense, count) = order::dense_strata(&sorted);
            Clusters {
                code: dense.into_owned(),
                count,
            }
        });
        let mut strata = starts;
        strata.dedup();
        Ok(CoxData {
            p,
            x,
            event,
            time,
            strata,
            tie_runs,
            weight,
            entry,
            cluster,
        })
    }

    /// Number of rows.
    pub(crate) fn n(&self) -> usize {
        self.event.len()
    }

    /// The weight of sorted row `i`.
    #[inline]
    pub(crate) fn weight_of(&self, i: usize) -> f64 {
        self.weight.as_ref().map_or(1.0, |w| w[i])
    }

    /// Whether the rows are plain right-censored, unweighted, unclustered
    /// data, as the estimators that read the layout without those assume.
    pub(crate) fn is_plain(&self) -> bool {
        self.weight.is_none() && self.entry.is_none() && self.cluster.is_none()
    }
}
