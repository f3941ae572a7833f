//! The Kaplan-Meier product-limit estimator, as R's `survfit` computes it for
//! right-censored data, and (module `counting`) for `(start, stop]` rows and
//! case weights.

mod counting;
mod jackknife;

use crate::column::Column;
use crate::confint::{self, ConfType};
use crate::data::{RowFeature, SurvivalData};
use crate::error::SurvivalError;
use crate::order::{Cells, Tally};

/// How to compute the confidence band.
///
/// ```
/// use surv_engine::{ConfType, KmConfig};
/// let config = KmConfig { conf_type: ConfType::LogLog, conf_level: 0.90 };
/// assert_eq!(KmConfig::default().conf_level, 0.95);
/// # let _ = config;
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct KmConfig {
    /// The interval's transformation; R's default is [`ConfType::Log`].
    pub conf_type: ConfType,
    /// Two-sided confidence level, e.g. 0.95.
    pub conf_level: f64,
}

impl Default for KmConfig {
    fn default() -> Self {
        KmConfig {
            conf_type: ConfType::Log,
            conf_level: 0.95,
        }
    }
}

/// A Kaplan-Meier curve: one step per distinct observed time (event or censoring),
/// as the rows of R's survfit object. All columns have one entry per step.
///
/// The columns R stores are stored; the standard errors and confidence bounds
/// of S(t) are computed from S(t) and the Greenwood term when read
/// ([`KmCurve::std_err`], [`KmCurve::lower`], [`KmCurve::upper`], or
/// [`KmCurve::steps`] row by row), so that a curve of a million steps is a few
/// columns of numbers.
///
/// ```
/// use surv_engine::{kaplan_meier, KmConfig, SurvivalData};
/// // Times in months; true = died.
/// let times = [6.0, 6.0, 7.0, 9.0, 10.0];
/// let events = [true, false, true, false, true];
/// let data = SurvivalData::new(&times, &events).unwrap();
/// let curve = kaplan_meier(&data, &KmConfig::default()).unwrap();
/// assert_eq!(curve.time, [6.0, 7.0, 9.0, 10.0]);
/// assert_eq!(curve.n_risk, [5, 3, 2, 1]);
/// assert!((curve.survival[1] - 0.8 * 2.0 / 3.0).abs() < 1e-15);
/// assert!(curve.lower(1).unwrap() < curve.survival[1]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct KmCurve {
    /// Number of observations.
    pub n: usize,
    /// Number of events.
    pub n_events: usize,
    /// Distinct observed times, ascending.
    pub time: Column<f64>,
    /// Number at risk just before each time (censored at that time included).
    pub n_risk: Column<usize>,
    /// Events at each time.
    pub n_event: Column<usize>,
    /// Censorings at each time.
    pub n_censor: Column<usize>,
    /// S(t), the product-limit estimate.
    pub survival: Column<f64>,
    /// Nelson-Aalen cumulative hazard (what R's survfit reports as `cumhaz`).
    pub cumhaz: Column<f64>,
    /// Standard error of the cumulative hazard, `sqrt(Σ d/n²)` (R's `std.chaz`).
    pub std_err_cumhaz: Column<f64>,
    /// With case weights, the weighted counts R reports (`n_risk`, `n_event`
    /// and `n_censor` above stay counts of rows); `None` without weights.
    pub weighted: Option<WeightedCounts>,
    /// σ, the standard error of log S(t) at each step: the square root of the
    /// Greenwood sum (or of the jackknife's variance); infinite once S = 0.
    log_std_err: Column<f64>,
    /// The interval's transformation.
    conf_type: ConfType,
    /// The interval's confidence level.
    conf_level: f64,
    /// The normal quantile of `conf_level`.
    z: f64,
}

/// Weighted counts at each step of a curve fitted with case weights: sums of
/// the weights of the rows at risk, dying and censored.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct WeightedCounts {
    /// Weight at risk just before each time.
    pub n_risk: Vec<f64>,
    /// Weight of the events at each time.
    pub n_event: Vec<f64>,
    /// Weight of the censorings at each time.
    pub n_censor: Vec<f64>,
}

/// Fits one Kaplan-Meier curve to all rows of `data`, pooling any groups and
/// strata.
///
/// ```
/// use surv_engine::{kaplan_meier, KmConfig, SurvivalData};
/// let data = SurvivalData::new(&[3.0, 1.0, 2.0], &[true, true, false]).unwrap();
/// let curve = kaplan_meier(&data, &KmConfig::default()).unwrap();
/// assert_eq!(curve.survival, [2.0 / 3.0, 2.0 / 3.0, 0.0]);
/// ```
pub fn kaplan_meier(data: &SurvivalData, config: &KmConfig) -> Result<KmCurve, SurvivalError> {
    data.refuse("Kaplan-Meier estimator", &[RowFeature::Clusters])?;
    let z = confint::z_for_level(config.conf_level)?;
    if data.entry().is_some() || data.weights().is_some() {
        return Ok(counting::curves(data, |_| 0, 1, config, z).remove(0));
    }
    // Times that need the sort, and look distinct in a sample, have about as
    // many steps as rows: the curve's columns are then brought into memory
    // on the second core while the keys are sorted, rather than one page
    // fault at a time as the walk first writes them. Tied times would leave
    // most of that room unused; above `FAULT_IN_UP_TO` rows, a wrong guess
    // would cost more memory than the time is worth.
    let n = data.len();
    let room_pays = (FAULT_IN_FROM..=FAULT_IN_UP_TO).contains(&n) && look_distinct(data.times());
    let (cells, room) = Cells::new_sorting_beside(
        data.times(),
        data.events(),
        |_| 0,
        1,
        if room_pays { FAULT_IN_FROM } else { usize::MAX },
        || StepColumns::faulted_in(n),
    );
    Ok(from_cell(&cells, 0, config, z, room))
}

/// Whether a sample of `times` spread over the rows has (almost) no repeated
/// value: then the whole most likely has about as many distinct times as rows.
fn look_distinct(times: &[f64]) -> bool {
    const SAMPLE: usize = 1024;
    let stride = (times.len() / SAMPLE).max(1);
    let mut sample: Vec<f64> = times.iter().step_by(stride).copied().collect();
    sample.sort_unstable_by(f64::total_cmp);
    let repeated = sample.windows(2).filter(|w| w[0] == w[1]).count();
    repeated * 100 <= sample.len()
}

/// Rows from which a curve's columns are brought into memory beside the sort.
const FAULT_IN_FROM: usize = 1 << 16;
/// Rows up to which they are.
const FAULT_IN_UP_TO: usize = 1 << 24;

/// Fits one curve per group of `data`, in code order; strata are pooled within
/// each group. Data without groups are [`SurvivalError::NoGroups`].
///
/// ```
/// use surv_engine::{kaplan_meier_by_group, KmConfig, SurvivalData};
/// let data = SurvivalData::new(&[1.0, 2.0, 3.0, 4.0], &[true, true, false, true])
///     .and_then(|d| d.with_groups(&[0, 1, 0, 1]))
///     .unwrap();
/// let curves = kaplan_meier_by_group(&data, &KmConfig::default()).unwrap();
/// assert_eq!(curves.len(), 2);
/// assert_eq!(curves[1].time, [2.0, 4.0]);
/// ```
pub fn kaplan_meier_by_group(
    data: &SurvivalData,
    config: &KmConfig,
) -> Result<Vec<KmCurve>, SurvivalError> {
    data.refuse("Kaplan-Meier estimator", &[RowFeature::Clusters])?;
    let groups = data.require_groups()?;
    let z = confint::z_for_level(config.conf_level)?;
    let n_groups = data.n_groups();
    if data.entry().is_some() || data.weights().is_some() {
        return Ok(counting::curves(
            data,
            |i| groups[i] as usize,
            n_groups,
            config,
            z,
        ));
    }
    let cells = Cells::new(
        data.times(),
        data.events(),
        |i| groups[i] as usize,
        n_groups,
    );
    Ok((0..n_groups)
        .map(|g| from_cell(&cells, g, config, z, None))
        .collect())
}

/// Builds the curve of one cell.
fn from_cell(
    cells: &Cells,
    cell: usize,
    config: &KmConfig,
    z: f64,
    room: Option<StepColumns>,
) -> KmCurve {
    let n = cells.size(cell);
    let steps = cells.distinct_bound(cell);
    let room = match room {
        // Room for every row, cut to the steps; a much shorter curve (tied
        // times) moves to columns of its own size.
        Some(room) if steps > n / 2 => room,
        _ => StepColumns::zeroed(steps),
    };
    let mut curve = KmCurve::in_room(n, room, config, z, false);
    curve.write(|steps| {
        let mut state = Step::start();
        let mut at_risk = n;
        let mut walk = cells.walk(cell, 1);
        let mut tally = [Tally::default()];
        while let Some(t) = walk.next_time(&mut tally) {
            let Tally {
                events: deaths,
                censored,
            } = tally[0];
            state.advance_counts(at_risk, deaths);
            steps.push(t, at_risk, deaths, censored, &state);
            at_risk -= deaths + censored;
        }
    });
    curve
}

/// The running products and sums of a walk along the times.
pub(super) struct Step {
    survival: f64,
    greenwood: f64,
    hazard: f64,
    hazard_var: f64,
}

impl Step {
    pub(super) fn start() -> Step {
        Step {
            survival: 1.0,
            greenwood: 0.0,
            hazard: 0.0,
            hazard_var: 0.0,
        }
    }

    /// One time with `deaths` (weighted or not) out of `at_risk`.
    #[inline]
    pub(super) fn advance(&mut self, at_risk: f64, deaths: f64) {
        if deaths > 0.0 {
            self.take(at_risk, deaths);
        }
    }

    /// [`Step::advance`] for counts of rows, of which at least one is at
    /// risk. No branch on whether anyone died: with continuous times that is
    /// a coin toss per time, and a time without deaths changes nothing here
    /// either (S is multiplied by exactly 1, each sum gains exactly 0).
    #[inline]
    pub(super) fn advance_counts(&mut self, at_risk: usize, deaths: usize) {
        // Through `i64`: one instruction on x86-64, the same value.
        self.take(at_risk as i64 as f64, deaths as i64 as f64);
    }

    /// `d` deaths out of `nr` at risk, into the products and sums.
    #[inline]
    fn take(&mut self, nr: f64, d: f64) {
        self.survival *= (nr - d) / nr;
        self.greenwood += if nr > d {
            d / (nr * (nr - d))
        } else {
            f64::INFINITY
        };
        self.hazard += d / nr;
        self.hazard_var += d / (nr * nr);
    }

    /// Replaces the Greenwood variances by others (of log S and of Λ).
    pub(super) fn set_variances(&mut self, log_survival: f64, hazard: f64) {
        self.greenwood = log_survival;
        self.hazard_var = hazard;
    }
}

impl KmCurve {
    /// A curve of `n` rows whose steps are yet to be written into `room`.
    pub(super) fn in_room(
        n: usize,
        room: StepColumns,
        config: &KmConfig,
        z: f64,
        weighted: bool,
    ) -> KmCurve {
        KmCurve {
            n,
            n_events: 0,
            time: room.time,
            n_risk: room.n_risk,
            n_event: room.n_event,
            n_censor: room.n_censor,
            survival: room.survival,
            cumhaz: room.cumhaz,
            std_err_cumhaz: room.std_err_cumhaz,
            weighted: weighted.then(WeightedCounts::default),
            log_std_err: room.log_std_err,
            conf_type: config.conf_type,
            conf_level: config.conf_level,
            z,
        }
    }

    /// Writes the steps `fill` gives, then cuts the columns to them.
    pub(super) fn write(&mut self, fill: impl FnOnce(&mut StepWriter<'_>)) {
        let mut writer = StepWriter {
            time: &mut self.time,
            n_risk: &mut self.n_risk,
            n_event: &mut self.n_event,
            n_censor: &mut self.n_censor,
            survival: &mut self.survival,
            log_std_err: &mut self.log_std_err,
            cumhaz: &mut self.cumhaz,
            std_err_cumhaz: &mut self.std_err_cumhaz,
            steps: 0,
            events: 0,
        };
        fill(&mut writer);
        let (steps, events) = (writer.steps, writer.events);
        self.time.truncate(steps);
        self.n_risk.truncate(steps);
        self.n_event.truncate(steps);
        self.n_censor.truncate(steps);
        self.survival.truncate(steps);
        self.log_std_err.truncate(steps);
        self.cumhaz.truncate(steps);
        self.std_err_cumhaz.truncate(steps);
        self.n_events = events;
    }

    /// The interval's transformation.
    pub fn conf_type(&self) -> ConfType {
        self.conf_type
    }

    /// The interval's confidence level.
    pub fn conf_level(&self) -> f64 {
        self.conf_level
    }

    /// Standard error of log S at step `i` (R's `fit$std.err`); `None` once
    /// S = 0, where R gives infinity.
    pub fn std_err_log(&self, i: usize) -> Option<f64> {
        let se_log = self.log_std_err[i];
        se_log.is_finite().then_some(se_log)
    }

    /// Standard error of S at step `i` (Greenwood), as `summary.survfit`
    /// prints it; `None` once S = 0, where R gives NaN.
    pub fn std_err(&self, i: usize) -> Option<f64> {
        let (survival, se_log) = (self.survival[i], self.log_std_err[i]);
        (survival > 0.0 && se_log.is_finite()).then_some(survival * se_log)
    }

    /// The confidence bounds at step `i`; `None` where R gives none.
    ///
    /// ```
    /// use surv_engine::{kaplan_meier, KmConfig, SurvivalData};
    /// let data = SurvivalData::new(&[1.0, 2.0, 3.0], &[true, true, false]).unwrap();
    /// let curve = kaplan_meier(&data, &KmConfig::default()).unwrap();
    /// let (lower, upper) = curve.bounds(0);
    /// assert!(lower.unwrap() < 2.0 / 3.0 && upper == Some(1.0));
    /// assert_eq!((curve.lower(0), curve.upper(0)), (lower, upper));
    /// ```
    pub fn bounds(&self, i: usize) -> (Option<f64>, Option<f64>) {
        confint::bounds(
            self.conf_type,
            self.z,
            self.survival[i],
            self.log_std_err[i],
        )
    }

    /// Lower confidence bound at step `i`; `None` where R gives none.
    pub fn lower(&self, i: usize) -> Option<f64> {
        self.bounds(i).0
    }

    /// Upper confidence bound at step `i`; `None` where R gives none.
    pub fn upper(&self, i: usize) -> Option<f64> {
        self.bounds(i).1
    }
}

/// The stored columns of a curve yet to be written, each as long as the
/// most steps it can have.
pub(super) struct StepColumns {
    time: Column<f64>,
    n_risk: Column<usize>,
    n_event: Column<usize>,
    n_censor: Column<usize>,
    survival: Column<f64>,
    log_std_err: Column<f64>,
    cumhaz: Column<f64>,
    std_err_cumhaz: Column<f64>,
}

impl StepColumns {
    /// Room for `steps` steps.
    pub(super) fn zeroed(steps: usize) -> StepColumns {
        StepColumns::with(steps, Column::zeroed, Column::zeroed)
    }

    /// Room for `steps` steps, its pages already in memory.
    fn faulted_in(steps: usize) -> StepColumns {
        StepColumns::with(steps, Column::faulted_in, Column::faulted_in)
    }

    fn with(
        steps: usize,
        reals: fn(usize) -> Column<f64>,
        counts: fn(usize) -> Column<usize>,
    ) -> StepColumns {
        StepColumns {
            time: reals(steps),
            n_risk: counts(steps),
            n_event: counts(steps),
            n_censor: counts(steps),
            survival: reals(steps),
            log_std_err: reals(steps),
            cumhaz: reals(steps),
            std_err_cumhaz: reals(steps),
        }
    }
}

/// A curve's stored columns while its steps are written: each step is a store
/// into room made up front, not a push that checks its column's capacity.
pub(super) struct StepWriter<'c> {
    time: &'c mut [f64],
    n_risk: &'c mut [usize],
    n_event: &'c mut [usize],
    n_censor: &'c mut [usize],
    survival: &'c mut [f64],
    log_std_err: &'c mut [f64],
    cumhaz: &'c mut [f64],
    std_err_cumhaz: &'c mut [f64],
    steps: usize,
    events: usize,
}

impl StepWriter<'_> {
    /// Writes the step at `t` from the walk's `state` after it.
    #[inline]
    pub(super) fn push(
        &mut self,
        t: f64,
        at_risk: usize,
        deaths: usize,
        censored: usize,
        state: &Step,
    ) {
        let i = self.steps;
        self.time[i] = t;
        self.n_risk[i] = at_risk;
        self.n_event[i] = deaths;
        self.n_censor[i] = censored;
        self.survival[i] = state.survival;
        self.log_std_err[i] = state.greenwood.sqrt();
        self.cumhaz[i] = state.hazard;
        self.std_err_cumhaz[i] = state.hazard_var.sqrt();
        self.steps += 1;
        self.events += deaths;
    }
}

/// The curve serialises with every column R's `survfit` object has, the
/// computed ones (`std_err`, `std_err_log`, `lower`, `upper`) included, in the
/// order the fields were once stored.
#[cfg(feature = "serde")]
impl serde::Serialize for KmCurve {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        /// One computed column, serialised step by step.
        struct Computed<'a>(&'a KmCurve, fn(&KmCurve, usize) -> Option<f64>);
        impl serde::Serialize for Computed<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let Computed(curve, column) = *self;
                serializer.collect_seq((0..curve.len()).map(|i| column(curve, i)))
            }
        }
        let mut out = serializer.serialize_struct("KmCurve", 16)?;
        out.serialize_field("n", &self.n)?;
        out.serialize_field("n_events", &self.n_events)?;
        out.serialize_field("time", &self.time)?;
        out.serialize_field("n_risk", &self.n_risk)?;
        out.serialize_field("n_event", &self.n_event)?;
        out.serialize_field("n_censor", &self.n_censor)?;
        out.serialize_field("survival", &self.survival)?;
        out.serialize_field("std_err", &Computed(self, KmCurve::std_err))?;
        out.serialize_field("std_err_log", &Computed(self, KmCurve::std_err_log))?;
        out.serialize_field("lower", &Computed(self, KmCurve::lower))?;
        out.serialize_field("upper", &Computed(self, KmCurve::upper))?;
        out.serialize_field("cumhaz", &self.cumhaz)?;
        out.serialize_field("std_err_cumhaz", &self.std_err_cumhaz)?;
        out.serialize_field("weighted", &self.weighted)?;
        out.serialize_field("conf_type", &self.conf_type)?;
        out.serialize_field("conf_level", &self.conf_level)?;
        out.end()
    }
}

/// One row of a curve, as a row of R's `summary(fit, censored = TRUE)`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct KmStep {
    /// The time.
    pub time: f64,
    /// Number at risk just before it.
    pub n_risk: usize,
    /// Events at it.
    pub n_event: usize,
    /// Censorings at it.
    pub n_censor: usize,
    /// S(time).
    pub survival: f64,
    /// Standard error of S(time); `None` once S = 0.
    pub std_err: Option<f64>,
    /// Lower confidence bound.
    pub lower: Option<f64>,
    /// Upper confidence bound.
    pub upper: Option<f64>,
    /// With case weights, the weights at risk, dying and censored (what R's
    /// `survfit` reports as `n.risk`, `n.event`, `n.censor`); `None` without.
    #[cfg_attr(
        feature = "serde",
        serde(flatten, skip_serializing_if = "Option::is_none")
    )]
    pub weighted: Option<WeightedCount>,
}

/// The weighted counts of one step or requested time.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct WeightedCount {
    /// Weight at risk.
    pub n_risk_weighted: f64,
    /// Weight of the events.
    pub n_event_weighted: f64,
    /// Weight of the censorings.
    pub n_censor_weighted: f64,
}

impl KmCurve {
    /// The curve row by row.
    ///
    /// ```
    /// use surv_engine::{kaplan_meier, KmConfig, SurvivalData};
    /// let data = SurvivalData::new(&[1.0, 2.0], &[true, false]).unwrap();
    /// let curve = kaplan_meier(&data, &KmConfig::default()).unwrap();
    /// let first = curve.steps().next().unwrap();
    /// assert_eq!((first.time, first.n_risk, first.survival), (1.0, 2, 0.5));
    /// ```
    pub fn steps(&self) -> impl ExactSizeIterator<Item = KmStep> + '_ {
        (0..self.len()).map(|i| KmStep {
            time: self.time[i],
            n_risk: self.n_risk[i],
            n_event: self.n_event[i],
            n_censor: self.n_censor[i],
            weighted: self.weighted.as_ref().map(|w| WeightedCount {
                n_risk_weighted: w.n_risk[i],
                n_event_weighted: w.n_event[i],
                n_censor_weighted: w.n_censor[i],
            }),
            survival: self.survival[i],
            std_err: self.std_err(i),
            lower: self.lower(i),
            upper: self.upper(i),
        })
    }

    /// At risk and events at step `i`, weighted when the curve has weights:
    /// the counts its variances are made of.
    pub(crate) fn risk_and_events(&self, i: usize) -> (f64, f64) {
        match &self.weighted {
            Some(w) => (w.n_risk[i], w.n_event[i]),
            None => (self.n_risk[i] as f64, self.n_event[i] as f64),
        }
    }

    /// Number of steps (distinct observed times).
    ///
    /// ```
    /// use surv_engine::{kaplan_meier, KmConfig, SurvivalData};
    /// let data = SurvivalData::new(&[1.0, 1.0, 2.0], &[true, false, true]).unwrap();
    /// let curve = kaplan_meier(&data, &KmConfig::default()).unwrap();
    /// assert_eq!((curve.len(), curve.is_empty(), curve.last_time()), (2, false, 2.0));
    /// ```
    pub fn len(&self) -> usize {
        self.time.len()
    }

    /// Whether the curve has no steps (never true for a fitted curve).
    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }

    /// The last observed time (event or censoring).
    pub fn last_time(&self) -> f64 {
        self.time.last().copied().unwrap_or(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SplitMix64;

    /// Continuous times and tied ones alike: the curve fitted with its room
    /// brought in beside the sort is the one fitted without (as each group's
    /// curve is), and only distinct-looking times are given that room.
    #[test]
    fn the_room_made_beside_the_sort_changes_no_step() {
        let n = FAULT_IN_FROM + 321;
        let mut rng = SplitMix64(0x2545_f491_4f6c_dd1du64);
        let mut next = || rng.next();
        let continuous: Vec<f64> = (0..n).map(|_| (next() >> 11) as f64 / 1e9).collect();
        let tied: Vec<f64> = (0..n).map(|_| (next() % 500) as f64 / 4.0 + 0.1).collect();
        let events: Vec<bool> = (0..n).map(|_| next() % 10 < 7).collect();
        assert!(look_distinct(&continuous));
        assert!(!look_distinct(&tied));
        let one_group = vec![0u32; n];
        for times in [&continuous, &tied] {
            let data = SurvivalData::new(times, &events).unwrap();
            let curve = kaplan_meier(&data, &KmConfig::default()).unwrap();
            let grouped = data.with_groups(&one_group).unwrap();
            let by_group = kaplan_meier_by_group(&grouped, &KmConfig::default()).unwrap();
            assert_eq!(curve, by_group[0]);
            assert_eq!(curve.n_events, events.iter().filter(|&&e| e).count());
        }
    }

    /// The serde form lists every column R's survfit object has, the
    /// computed ones included, in the order the fields were once stored.
    #[cfg(feature = "serde")]
    #[test]
    fn the_serde_form_keeps_every_column_in_its_order() {
        let data = SurvivalData::new(&[1.0, 2.0, 2.0, 3.0], &[true, true, false, true]).unwrap();
        let curve = kaplan_meier(&data, &KmConfig::default()).unwrap();
        let text = serde_json::to_string(&curve).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        // The keys in the order the text has them (the parsed map sorts them).
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_by_key(|k| text.find(&format!("\"{k}\":")));
        assert_eq!(
            keys,
            [
                "n",
                "n_events",
                "time",
                "n_risk",
                "n_event",
                "n_censor",
                "survival",
                "std_err",
                "std_err_log",
                "lower",
                "upper",
                "cumhaz",
                "std_err_cumhaz",
                "weighted",
                "conf_type",
                "conf_level"
            ]
        );
        let lower: Vec<Option<f64>> = serde_json::from_value(json["lower"].clone()).unwrap();
        assert_eq!(
            lower,
            (0..curve.len()).map(|i| curve.lower(i)).collect::<Vec<_>>()
        );
        assert_eq!(
            json["std_err"][2],
            serde_json::Value::Null,
            "S = 0 at the last step"
        );
    }
}
