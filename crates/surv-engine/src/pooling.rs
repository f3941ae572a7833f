//! A multi-centre analysis without moving patient rows: what each site
//! computes on its own rows, and how a coordinator merges the sites' summaries
//! into exactly the result R gives on the pooled rows.
//!
//! - **Kaplan-Meier.** A site's [`SiteCounts`] holds, per group and distinct
//!   time, its events and censorings. The curve depends on the rows only
//!   through these counts, so [`expand`] turns the merged counts back into
//!   rows with the same times and events, and any estimator run on them gives
//!   what it gives on the pooled rows. [`SiteCounts::coarsen`] merges
//!   consecutive times until every released row holds at least K subjects; the
//!   pooled result is then R's on the same coarsened times.
//! - **Log-rank stratified by site.** A site's [`LogRankSums`] are its
//!   observed, expected and variance under the G-rho weights of its own curve;
//!   summed over sites they give `survdiff(~ g + strata(site))`
//!   ([`pooled_log_rank`]), exactly, whatever the counts were coarsened to.
//! - **Cox stratified by site.** Newton-Raphson runs at the coordinator
//!   ([`crate::cox::Newton`]); in each round every site evaluates its rows at
//!   the β asked for ([`CoxSite::evaluate`]) and the coordinator sums the
//!   replies. The steps are those of a fit on the pooled rows with one
//!   baseline hazard per site, so the fit ([`pooled_cox_fit`]) is
//!   `coxph(~ x + strata(site))`; the concordance comes from the sites' pair
//!   counts ([`CoxSite::concordance`]).
//!
//! Nothing here reads or writes files: the summaries are plain structs that
//! the caller serialises.
//!
//! ```
//! use surv_engine::pooling::{expand, SiteCounts};
//! use surv_engine::{kaplan_meier, KmConfig, SurvivalData};
//!
//! // Two centres' rows, one group each side.
//! let (a_t, a_e) = ([5.0, 8.0, 8.0, 12.0], [true, false, true, true]);
//! let (b_t, b_e) = ([3.0, 8.0, 20.0], [true, true, false]);
//! let a = SiteCounts::of(&a_t, &a_e, &[0; 4], 1)?;
//! let b = SiteCounts::of(&b_t, &b_e, &[0; 3], 1)?;
//! let pooled = expand(&[a, b])?;
//! let curve = kaplan_meier(&SurvivalData::new(&pooled.times, &pooled.events)?, &KmConfig::default())?;
//!
//! let all_t = [5.0, 8.0, 8.0, 12.0, 3.0, 8.0, 20.0];
//! let all_e = [true, false, true, true, true, true, false];
//! let direct = kaplan_meier(&SurvivalData::new(&all_t, &all_e)?, &KmConfig::default())?;
//! assert_eq!(curve.survival, direct.survival);
//! # Ok::<(), surv_engine::SurvivalError>(())
//! ```

use crate::confint::z_for_level;
use crate::cox::data::CoxData;
use crate::cox::likelihood::{Workspace, evaluate};
use crate::cox::{
    Concordance, ConcordanceSums, Counts, CoxConfig, CoxEvaluation, CoxFit, Newton, assemble,
    concordance,
};
use crate::data::SurvivalData;
use crate::error::SurvivalError;
use crate::logrank::{self, LogRank, LogRankConfig};

/// One released row of a site's count table.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CountRow {
    /// Group code.
    pub group: u32,
    /// The time (the end of its interval when coarsened).
    pub time: f64,
    /// Events at it.
    pub n_event: u64,
    /// Censorings at it.
    pub n_censor: u64,
}

/// A site's events and censorings per group and distinct time, sorted by
/// group, then time.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SiteCounts {
    /// How many groups the study has (the site may have seen fewer).
    pub n_groups: usize,
    /// The rows.
    pub rows: Vec<CountRow>,
}

impl SiteCounts {
    /// The count table of a site's rows: `groups` are codes below `n_groups`
    /// (all 0 without groups).
    pub fn of(
        times: &[f64],
        events: &[bool],
        groups: &[u32],
        n_groups: usize,
    ) -> Result<SiteCounts, SurvivalError> {
        let data = SurvivalData::new(times, events)?;
        if groups.len() != data.len() {
            return Err(SurvivalError::LengthMismatch {
                column: "groups",
                expected: data.len(),
                found: groups.len(),
            });
        }
        if let Some(&g) = groups.iter().find(|&&g| g as usize >= n_groups) {
            return Err(SurvivalError::InvalidParameter {
                name: "group code",
                value: f64::from(g),
                expected: "below the number of groups",
            });
        }
        let mut order: Vec<usize> = (0..times.len()).collect();
        order.sort_unstable_by(|&a, &b| {
            groups[a]
                .cmp(&groups[b])
                .then_with(|| times[a].total_cmp(&times[b]))
        });
        let mut rows: Vec<CountRow> = Vec::new();
        for i in order {
            let (event, censor) = if events[i] { (1, 0) } else { (0, 1) };
            match rows.last_mut() {
                Some(last) if last.group == groups[i] && last.time == times[i] => {
                    last.n_event += event;
                    last.n_censor += censor;
                }
                _ => rows.push(CountRow {
                    group: groups[i],
                    time: times[i],
                    n_event: event,
                    n_censor: censor,
                }),
            }
        }
        Ok(SiteCounts { n_groups, rows })
    }

    /// Subjects counted.
    pub fn n(&self) -> u64 {
        self.rows.iter().map(|r| r.n_event + r.n_censor).sum()
    }

    /// The table with consecutive times of each group merged into intervals
    /// until every released row holds at least `min_cell` subjects; each
    /// interval is released at its last time. A group's last rows that fall
    /// short join the interval before them; a group with fewer than
    /// `min_cell` subjects in all is released as one row. `min_cell` 0 or 1
    /// changes nothing.
    pub fn coarsen(&self, min_cell: u64) -> SiteCounts {
        let mut rows: Vec<CountRow> = Vec::with_capacity(self.rows.len());
        for group in self.rows.chunk_by(|a, b| a.group == b.group) {
            let first_of_group = rows.len();
            let mut open: Option<CountRow> = None;
            for r in group {
                let cell = match open.take() {
                    Some(mut acc) => {
                        acc.time = r.time;
                        acc.n_event += r.n_event;
                        acc.n_censor += r.n_censor;
                        acc
                    }
                    None => *r,
                };
                if cell.n_event + cell.n_censor >= min_cell {
                    rows.push(cell);
                } else {
                    open = Some(cell);
                }
            }
            if let Some(rest) = open {
                let released = rows.len() > first_of_group;
                match rows.last_mut() {
                    Some(last) if released => {
                        last.time = rest.time;
                        last.n_event += rest.n_event;
                        last.n_censor += rest.n_censor;
                    }
                    _ => rows.push(rest),
                }
            }
        }
        SiteCounts {
            n_groups: self.n_groups,
            rows,
        }
    }
}

/// Rows rebuilt from count tables: one per subject counted, with its site.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PooledRows {
    /// Times.
    pub times: Vec<f64>,
    /// Events.
    pub events: Vec<bool>,
    /// Group codes.
    pub groups: Vec<u32>,
    /// Site codes: the position of the site's table in the input.
    pub sites: Vec<u32>,
}

/// The rows the sites' count tables stand for. Every table must count the
/// same groups.
pub fn expand(sites: &[SiteCounts]) -> Result<PooledRows, SurvivalError> {
    let Some(first) = sites.first() else {
        return Err(SurvivalError::Empty);
    };
    let mut out = PooledRows::default();
    for (s, site) in sites.iter().enumerate() {
        if site.n_groups != first.n_groups {
            return Err(SurvivalError::InvalidParameter {
                name: "number of groups",
                value: site.n_groups as f64,
                expected: "the same at every site",
            });
        }
        for r in &site.rows {
            let count = (r.n_event + r.n_censor) as usize;
            out.times.extend(std::iter::repeat_n(r.time, count));
            out.events
                .extend(std::iter::repeat_n(true, r.n_event as usize));
            out.events
                .extend(std::iter::repeat_n(false, r.n_censor as usize));
            out.groups.extend(std::iter::repeat_n(r.group, count));
            out.sites.extend(std::iter::repeat_n(s as u32, count));
        }
    }
    Ok(out)
}

/// A site's part of a log-rank test stratified by site.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct LogRankSums {
    /// The G-rho exponent the weights used.
    pub rho: f64,
    /// Subjects per group.
    pub n: Vec<usize>,
    /// Weighted observed events per group.
    pub observed: Vec<f64>,
    /// Weighted expected events per group.
    pub expected: Vec<f64>,
    /// The variance matrix of observed − expected, row-major k × k.
    pub variance: Vec<f64>,
}

impl LogRankSums {
    /// A site's sums from its rows; `groups` are codes below `n_groups`, and
    /// the site need not have seen every group.
    pub fn of(
        times: &[f64],
        events: &[bool],
        groups: &[u32],
        n_groups: usize,
        config: &LogRankConfig,
    ) -> Result<LogRankSums, SurvivalError> {
        config.check()?;
        let data = SurvivalData::new(times, events)?;
        if groups.len() != data.len() {
            return Err(SurvivalError::LengthMismatch {
                column: "groups",
                expected: data.len(),
                found: groups.len(),
            });
        }
        let mut n = vec![0usize; n_groups];
        for &g in groups {
            match n.get_mut(g as usize) {
                Some(count) => *count += 1,
                None => {
                    return Err(SurvivalError::InvalidParameter {
                        name: "group code",
                        value: f64::from(g),
                        expected: "below the number of groups",
                    });
                }
            }
        }
        let sums = logrank::stratum_sums(&data, groups, n_groups, config.rho);
        Ok(LogRankSums {
            rho: config.rho,
            n,
            observed: sums.observed,
            expected: sums.expected,
            variance: sums.variance,
        })
    }
}

/// The log-rank (G-rho) test stratified by site, from the sites' sums: R's
/// `survdiff(Surv(t, e) ~ g + strata(site), rho)`.
pub fn pooled_log_rank(sites: &[LogRankSums]) -> Result<LogRank, SurvivalError> {
    let Some(first) = sites.first() else {
        return Err(SurvivalError::Empty);
    };
    let k = first.n.len();
    let mut n = vec![0usize; k];
    let mut sums = logrank::Sums {
        observed: vec![0.0; k],
        expected: vec![0.0; k],
        variance: vec![0.0; k * k],
    };
    for site in sites {
        if site.n.len() != k || site.variance.len() != k * k {
            return Err(SurvivalError::InvalidParameter {
                name: "number of groups",
                value: site.n.len() as f64,
                expected: "the same at every site",
            });
        }
        if site.rho != first.rho {
            return Err(SurvivalError::InvalidParameter {
                name: "rho",
                value: site.rho,
                expected: "the same at every site",
            });
        }
        let add = |to: &mut [f64], from: &[f64]| to.iter_mut().zip(from).for_each(|(t, f)| *t += f);
        add(&mut sums.observed, &site.observed);
        add(&mut sums.expected, &site.expected);
        add(&mut sums.variance, &site.variance);
        n.iter_mut().zip(&site.n).for_each(|(t, f)| *t += f);
    }
    logrank::from_sums(first.rho, n, sums)
}

/// A site's rows laid out once for every round of a multi-centre Cox fit.
#[derive(Debug, Clone, PartialEq)]
pub struct CoxSite {
    data: CoxData,
}

impl CoxSite {
    /// Lays out the site's rows and covariate columns (one stratum: the site).
    pub fn new(
        times: &[f64],
        events: &[bool],
        covariates: &[&[f64]],
    ) -> Result<CoxSite, SurvivalError> {
        let data = SurvivalData::new(times, events)?;
        Ok(CoxSite {
            data: CoxData::new(&data, covariates)?,
        })
    }

    /// Subjects.
    pub fn n(&self) -> usize {
        self.data.n()
    }

    /// Events.
    pub fn n_events(&self) -> usize {
        self.data.event.iter().filter(|e| **e).count()
    }

    /// ℓ, U and I of the site's rows at `beta`: its reply to one round.
    pub fn evaluate(
        &self,
        beta: &[f64],
        config: &CoxConfig,
    ) -> Result<CoxEvaluation, SurvivalError> {
        if beta.len() != self.data.p || beta.iter().any(|b| !b.is_finite()) {
            return Err(SurvivalError::InvalidParameter {
                name: "beta",
                value: beta
                    .iter()
                    .copied()
                    .find(|b| !b.is_finite())
                    .unwrap_or(beta.len() as f64),
                expected: "one finite coefficient per covariate",
            });
        }
        let mut work = Workspace::new(self.data.n());
        let e = evaluate(&self.data, beta, config.ties, &mut work);
        Ok(CoxEvaluation {
            loglik: e.loglik,
            score: e.score,
            information: e.information,
        })
    }

    /// The site's concordance pair counts and jackknife sums at `beta`.
    pub fn concordance(&self, beta: &[f64]) -> ConcordanceSums {
        let p = self.data.p;
        let eta: Vec<f64> = self
            .data
            .x
            .chunks_exact(p)
            .map(|row| row.iter().zip(beta).map(|(x, b)| x * b).sum())
            .collect();
        concordance::concordance_sums(&self.data, &eta)
    }
}

/// The fit once `newton` has finished, with the sites' subjects, events and
/// concordance: what `coxph(~ x + strata(site))` reports for the pooled rows.
/// It cannot test proportional hazards ([`CoxFit::zph`] refuses): that needs
/// the rows.
pub fn pooled_cox_fit(
    newton: Newton,
    n: usize,
    n_events: usize,
    concordance: Concordance,
    config: &CoxConfig,
) -> Result<CoxFit, SurvivalError> {
    if n_events == 0 {
        return Err(SurvivalError::NoEvents);
    }
    let z_level = z_for_level(config.conf_level)?;
    assemble(
        newton.result()?,
        Counts { n, n_events },
        concordance,
        config,
        z_level,
        None,
    )
}
