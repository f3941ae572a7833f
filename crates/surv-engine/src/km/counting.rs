//! Kaplan-Meier for rows that enter late (`(start, stop]`, R's
//! `Surv(start, stop, event)`) or carry case weights (`weights =`).
//!
//! The risk set at a time t is every row with start < t ≤ stop, counted by
//! weight: the weight that has entered before t less the weight that has left
//! before t. So one ascending walk over the exits, with a pointer into the
//! entries, gives every step; the sort (exits and entries, each once, within
//! each curve) is the only superlinear part.

use super::jackknife::Jackknife;
use super::{KmConfig, KmCurve, Step, StepColumns, WeightedCounts};
use crate::data::SurvivalData;
use crate::order::{self, is_event, key, time_of};

/// One curve per cell (`cell(i) < n_cells`), each cell's rows sorted once.
pub(super) fn curves(
    data: &SurvivalData,
    cell: impl Fn(usize) -> usize,
    n_cells: usize,
    config: &KmConfig,
    z: f64,
) -> Vec<KmCurve> {
    let (times, events) = (data.times(), data.events());
    let n = data.len();
    // Rows bucketed by cell (a counting pass), each bucket sorted by exit.
    let mut offsets = vec![0usize; n_cells + 1];
    for i in 0..n {
        offsets[cell(i) + 1] += 1;
    }
    for c in 0..n_cells {
        offsets[c + 1] += offsets[c];
    }
    let mut next = offsets.clone();
    let mut exits = vec![(0u64, 0u32); n];
    for i in 0..n {
        let slot = &mut next[cell(i)];
        exits[*slot] = (key(times[i], events[i]), i as u32);
        *slot += 1;
    }
    for w in offsets.windows(2) {
        exits[w[0]..w[1]].sort_unstable();
    }
    // R's merging of near-tied times, over exits and entries together.
    let mut keys: Vec<u64> = exits.iter().map(|e| e.0).collect();
    let mut entry_of_row: Option<Vec<f64>> = data.entry().map(<[f64]>::to_vec);
    match entry_of_row.as_mut() {
        Some(entry) => order::merge_near_ties_with_entries(&mut keys, &offsets, entry),
        None => order::merge_near_ties(&mut keys, &offsets),
    }
    for (e, k) in exits.iter_mut().zip(&keys) {
        e.0 = *k;
    }
    // Entries in the same buckets, each sorted by entry time.
    let entries: Option<Vec<(f64, u32)>> = entry_of_row.map(|entry| {
        let mut sorted: Vec<(f64, u32)> = exits
            .iter()
            .map(|&(_, row)| (entry[row as usize], row))
            .collect();
        for w in offsets.windows(2) {
            sorted[w[0]..w[1]].sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        }
        sorted
    });
    // R's default: the infinitesimal jackknife when weights are not whole
    // numbers, Greenwood on the weighted counts otherwise.
    let jackknife = data.has_fractional_weights();
    // Each row's position within its curve, for the jackknife's sums.
    let mut local = vec![0u32; if jackknife { n } else { 0 }];
    if jackknife {
        for w in offsets.windows(2) {
            for (k, &(_, row)) in exits[w[0]..w[1]].iter().enumerate() {
                local[row as usize] = k as u32;
            }
        }
    }
    offsets
        .windows(2)
        .map(|w| {
            let cell = Cell {
                exits: &exits[w[0]..w[1]],
                entries: entries.as_ref().map(|e| &e[w[0]..w[1]]),
                local: jackknife.then_some(&local[..]),
            };
            walk(data, cell, config, z)
        })
        .collect()
}

/// One curve's rows: sorted exits and entries, and with the jackknife each
/// row's position in the curve.
struct Cell<'a> {
    exits: &'a [(u64, u32)],
    entries: Option<&'a [(f64, u32)]>,
    local: Option<&'a [u32]>,
}

/// The curve of one cell.
fn walk(data: &SurvivalData, cell: Cell<'_>, config: &KmConfig, z: f64) -> KmCurve {
    let Cell {
        exits,
        entries,
        local,
    } = cell;
    let weight = |row: u32| data.weight_of(row as usize);
    let weighted = data.weights().is_some();
    let mut curve = KmCurve::in_room(
        exits.len(),
        StepColumns::zeroed(exits.len()),
        config,
        z,
        weighted,
    );
    let mut counts = weighted.then(WeightedCounts::default);
    let mut jackknife = local.map(|local| {
        let mut j = Jackknife::new(exits.len());
        if entries.is_none() {
            for &(_, row) in exits {
                j.enter(local[row as usize] as usize, weight(row));
            }
        }
        (j, local)
    });
    // Without entry times every row is at risk from the start.
    let (mut entered, mut entered_weight) = match entries {
        Some(_) => (0usize, 0.0f64),
        None => (exits.len(), exits.iter().map(|&(_, r)| weight(r)).sum()),
    };
    curve.write(|steps| {
        let (mut left, mut left_weight) = (0usize, 0.0f64);
        let mut next_entry = 0;
        let mut state = Step::start();
        let mut i = 0;
        while i < exits.len() {
            let bits = exits[i].0 >> 1;
            let t = time_of(exits[i].0);
            if let Some(entries) = entries {
                while next_entry < entries.len() && entries[next_entry].0 < t {
                    let row = entries[next_entry].1;
                    entered += 1;
                    entered_weight += weight(row);
                    if let Some((j, local)) = jackknife.as_mut() {
                        j.enter(local[row as usize] as usize, weight(row));
                    }
                    next_entry += 1;
                }
            }
            let (mut deaths, mut censored, mut death_weight, mut censor_weight) = (0, 0, 0.0, 0.0);
            let first = i;
            while i < exits.len() && exits[i].0 >> 1 == bits {
                let (k, row) = exits[i];
                if is_event(k) {
                    deaths += 1;
                    death_weight += weight(row);
                } else {
                    censored += 1;
                    censor_weight += weight(row);
                }
                i += 1;
            }
            let at_risk = entered - left;
            let risk_weight = entered_weight - left_weight;
            if weighted {
                state.advance(risk_weight, death_weight);
            } else {
                state.advance(at_risk as f64, deaths as f64);
            }
            if let Some((j, local)) = jackknife.as_mut() {
                j.time(risk_weight, death_weight);
                for &(k, row) in &exits[first..i] {
                    let at = local[row as usize] as usize;
                    j.leave(at, weight(row), is_event(k), risk_weight, death_weight);
                }
                let (log_survival, hazard) = j.variances();
                state.set_variances(log_survival, hazard);
            }
            steps.push(t, at_risk, deaths, censored, &state);
            if let Some(w) = counts.as_mut() {
                w.n_risk.push(risk_weight);
                w.n_event.push(death_weight);
                w.n_censor.push(censor_weight);
            }
            left += deaths + censored;
            left_weight += death_weight + censor_weight;
        }
    });
    curve.weighted = counts;
    curve
}

#[cfg(test)]
mod tests {
    use crate::{KmConfig, SurvivalData, kaplan_meier};

    /// Entries at 0 (below every exit) change nothing; unit weights neither.
    #[test]
    fn zero_entries_and_unit_weights_are_the_plain_curve() {
        let times = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0];
        let events = [true, false, true, true, false, true, true, false];
        let plain = SurvivalData::new(&times, &events).unwrap();
        let expected = kaplan_meier(&plain, &KmConfig::default()).unwrap();
        let zeros = [0.0; 8];
        let entered = plain.clone().with_entry(&zeros).unwrap();
        assert_eq!(
            kaplan_meier(&entered, &KmConfig::default()).unwrap(),
            expected
        );
        let ones = [1.0; 8];
        let weighted = plain.with_weights(&ones).unwrap();
        let curve = kaplan_meier(&weighted, &KmConfig::default()).unwrap();
        assert_eq!(curve.survival, expected.survival);
        assert!((0..curve.len()).all(|i| curve.std_err(i) == expected.std_err(i)));
        let w = curve.weighted.expect("weighted counts");
        let n_risk: Vec<f64> = expected.n_risk.iter().map(|&n| n as f64).collect();
        assert_eq!(w.n_risk, n_risk);
    }

    /// A row entering at 4 is not at risk at 4, and is at 5.
    #[test]
    fn late_entry_joins_the_risk_set_after_its_start() {
        let times = [4.0, 5.0, 6.0];
        let events = [true, true, false];
        let starts = [0.0, 0.0, 4.0];
        let data = SurvivalData::new(&times, &events)
            .unwrap()
            .with_entry(&starts)
            .unwrap();
        let curve = kaplan_meier(&data, &KmConfig::default()).unwrap();
        assert_eq!(curve.n_risk, [2, 2, 1]);
        assert_eq!(curve.survival, [0.5, 0.25, 0.25]);
    }
}
