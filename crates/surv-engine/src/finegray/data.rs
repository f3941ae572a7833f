//! The data of a Fine-Gray model, laid out once for every iteration: rows
//! sorted by time from the earliest (ties in input order, as R's `order`),
//! covariates centred and stored row by row, runs of equal times with their
//! counts and the censoring distribution's Kaplan-Meier just before each.

use crate::error::SurvivalError;
use crate::order;

/// What happened to a subject at its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// Censored.
    Censored,
    /// Failed from the cause of interest.
    Event,
    /// Failed from any other cause.
    Competing,
}

/// A run of equal times.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Run {
    /// First sorted row of the run.
    pub start: usize,
    /// One past its last row.
    pub end: usize,
    /// Failures from the cause of interest at this time.
    pub n_event: usize,
    /// Censorings at this time.
    pub n_censor: usize,
    /// Subjects whose time is at least this one (every later run included).
    pub n_risk: usize,
    /// The weight `crr` gives this time: the Kaplan-Meier estimate of the
    /// censoring distribution just before it, Ĝ(t−), except at time 0, where
    /// `crr`'s interpolation reads Ĝ(0) (censorings at 0 included).
    pub censoring: f64,
}

/// Sorted, centred model data.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FineGrayData {
    /// Number of covariates.
    pub p: usize,
    /// Covariates of sorted row `i`: `x[i·p .. (i+1)·p]`, centred.
    pub x: Vec<f64>,
    /// Status of each sorted row.
    pub status: Vec<Status>,
    /// The runs of equal times, earliest first.
    pub runs: Vec<Run>,
    /// How many runs hold failures from the cause of interest.
    pub n_failure_runs: usize,
    /// Failures from the cause of interest.
    pub n_events: usize,
    /// Failures from other causes.
    pub n_competing: usize,
}

impl FineGrayData {
    /// Checks the input and lays it out.
    pub(crate) fn new(
        times: &[f64],
        causes: &[u32],
        cause: u32,
        columns: &[&[f64]],
    ) -> Result<FineGrayData, SurvivalError> {
        let mut lengths = vec![("causes", causes.len())];
        lengths.extend(columns.iter().map(|c| ("covariate", c.len())));
        order::validate(times, &lengths)?;
        if cause == 0 {
            return Err(SurvivalError::InvalidParameter {
                name: "cause",
                value: 0.0,
                expected: "a failure code ≥ 1 (0 marks a censored subject)",
            });
        }
        let p = columns.len();
        if p == 0 {
            return Err(SurvivalError::NoCovariates);
        }
        for (j, column) in columns.iter().enumerate() {
            if let Some(i) = column.iter().position(|v| !v.is_finite()) {
                return Err(SurvivalError::InvalidCovariate {
                    covariate: j,
                    index: i,
                    value: column[i],
                });
            }
        }
        let n_events = causes.iter().filter(|&&c| c == cause).count();
        if n_events == 0 {
            return Err(SurvivalError::NoEventsOfCause { cause });
        }
        let n_competing = causes.iter().filter(|&&c| c != 0 && c != cause).count();
        let n = times.len();

        // The one sort; stable, so ties keep the input order as R's `order`
        // does (only rounding depends on it). `+ 0.0` makes −0 equal to 0.
        let mut rows: Vec<u32> = (0..n as u32).collect();
        rows.sort_by(|&a, &b| (times[a as usize] + 0.0).total_cmp(&(times[b as usize] + 0.0)));

        // Centred for numerical stability, except (as R's coxph does) columns
        // holding only −1, 0 and 1: the estimating equations are the same
        // either way.
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
        let mut x = Vec::with_capacity(n * p);
        let mut status = Vec::with_capacity(n);
        for &i in &rows {
            let i = i as usize;
            x.extend(columns.iter().zip(&means).map(|(c, m)| c[i] - m));
            status.push(match causes[i] {
                0 => Status::Censored,
                c if c == cause => Status::Event,
                _ => Status::Competing,
            });
        }

        // Runs of equal times, and the censoring distribution's Kaplan-Meier
        // (censorings as its events; at risk, everyone whose time is at least
        // the censoring time, failures tied with it included).
        let mut runs = Vec::new();
        let mut before = 1.0; // Ĝ just before the current run
        let mut start = 0;
        while start < n {
            let time = times[rows[start] as usize];
            let mut end = start + 1;
            while end < n && times[rows[end] as usize] == time {
                end += 1;
            }
            let count = |s: Status| status[start..end].iter().filter(|&&x| x == s).count();
            let (n_event, n_censor) = (count(Status::Event), count(Status::Censored));
            let n_risk = n - start;
            let after = before * (1.0 - n_censor as f64 / n_risk as f64);
            runs.push(Run {
                start,
                end,
                n_event,
                n_censor,
                n_risk,
                censoring: if time == 0.0 { after } else { before },
            });
            before = after;
            start = end;
        }
        let n_failure_runs = runs.iter().filter(|r| r.n_event > 0).count();
        Ok(FineGrayData {
            p,
            x,
            status,
            runs,
            n_failure_runs,
            n_events,
            n_competing,
        })
    }

    /// Number of rows.
    pub(crate) fn n(&self) -> usize {
        self.status.len()
    }
}
