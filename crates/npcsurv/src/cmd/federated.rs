//! The multi-centre commands: `site summary` and `site cox` (run at each
//! site), `pool km`, `pool logrank` and `pool cox` (run by the coordinator),
//! and `federate`, the whole protocol rehearsed on one machine through the
//! same files. The numbers come from `surv_engine::pooling`; the files are
//! `surv_reader::exchange`'s.

use std::path::{Path, PathBuf};

use surv_engine::cox::{ConcordanceSums, CoxEvaluation, Newton};
use surv_engine::pooling::{
    CountRow, CoxSite, LogRankSums, SiteCounts, expand, pooled_cox_fit, pooled_log_rank,
};
use surv_engine::{
    CoxConfig, KmConfig, LogRankConfig, SurvivalData, Ties, kaplan_meier, kaplan_meier_by_group,
    log_rank,
};
use surv_reader::exchange::{
    self, ConcordanceEntry, CountEntry, CoxReply, CoxRound, CoxState, EvaluationEntry,
    LogRankEntry, REPLY_SCHEMA, ROUND_SCHEMA, RoundRecord, STATE_SCHEMA, SUMMARY_SCHEMA,
    SiteSummary, read_exchange,
};
use surv_reader::{ColumnSpec, SurvivalTable};
use surv_render::OutputFormat;
use surv_render::cox::{self, CoxOutput};
use surv_render::km::{self, KmCurveOutput};
use surv_render::logrank::{self, LogRankOutput};

use crate::args::{
    FederateArgs, FederatedAnalysis, PoolCoxArgs, PoolKmArgs, PoolLogrankArgs, SiteColumns,
    SiteCoxArgs, SiteSummaryArgs, Source,
};
use crate::error::CliError;
use crate::input;

/// The level name of a study without groups.
const ALL: &str = "all";

// ---------------------------------------------------------------- sites

/// The column spec of a site's time and event flags.
fn site_spec(columns: &SiteColumns) -> ColumnSpec {
    let spec = ColumnSpec {
        event_value: columns.event_value.clone(),
        ..ColumnSpec::new(columns.time.as_deref().unwrap_or_default(), &columns.event)
    };
    match (&columns.time_from, &columns.time_to) {
        (Some(from), Some(to)) => spec.with_dates(from, to, columns.time_unit.unwrap_or_default()),
        _ => spec,
    }
}

fn time_words(columns: &SiteColumns) -> String {
    match (&columns.time, &columns.time_from, &columns.time_to) {
        (Some(time), _, _) => format!("column `{time}`"),
        (None, Some(from), Some(to)) => format!(
            "{} from `{from}` to `{to}`",
            columns.time_unit.unwrap_or_default().name()
        ),
        _ => String::new(),
    }
}

fn event_words(columns: &SiteColumns) -> String {
    match &columns.event_value {
        Some(v) => format!("column `{}` = {v}", columns.event),
        None => format!("column `{}`", columns.event),
    }
}

fn read_site(source: &Source, spec: &ColumnSpec) -> Result<SurvivalTable, CliError> {
    Ok(SurvivalTable::read_as(
        &source.file,
        &input::options(source),
        spec,
    )?)
}

/// What one site's rows are, for a summary.
struct SiteRows<'a> {
    site: &'a str,
    times: &'a [f64],
    events: &'a [bool],
    /// Group codes into `levels`.
    groups: &'a [u32],
    levels: &'a [String],
    group_column: Option<&'a str>,
    n_dropped: usize,
}

/// A site's summary: its count table, coarsened to `min_cell`, and its
/// log-rank sums (with groups), with the list of what it discloses.
fn summarise(
    rows: &SiteRows<'_>,
    columns: &SiteColumns,
    min_cell: u64,
    rho: f64,
) -> Result<SiteSummary, CliError> {
    let analysis = CliError::analysis(rows.site);
    let k = rows.levels.len();
    let counts = SiteCounts::of(rows.times, rows.events, rows.groups, k)
        .map_err(&analysis)?
        .coarsen(min_cell);
    let grouped = rows.group_column.is_some();
    let logrank = if grouped {
        let sums = LogRankSums::of(
            rows.times,
            rows.events,
            rows.groups,
            k,
            &LogRankConfig { rho },
        )
        .map_err(&analysis)?;
        Some(LogRankEntry {
            rho,
            n: sums.n.iter().map(|&n| n as u64).collect(),
            observed: sums.observed,
            expected: sums.expected,
            variance: sums.variance.chunks(k).map(<[f64]>::to_vec).collect(),
        })
    } else {
        None
    };
    let whom = match rows.group_column {
        Some(column) => format!("groups {} of `{column}`", rows.levels.join(", ")),
        None => "all subjects together".to_owned(),
    };
    let mut discloses = vec![format!(
        "per-time event and censoring counts for {whom} ({} released rows){}",
        counts.rows.len(),
        if min_cell > 1 {
            format!(
                ", times merged into intervals of at least {min_cell} subjects, each released at its last time"
            )
        } else {
            ", every distinct time as it is".to_owned()
        }
    )];
    if grouped {
        discloses.push(format!(
            "per group: subjects, and the log-rank (rho = {rho}) observed and expected events \
             and their variance matrix, from every distinct time"
        ));
    }
    discloses.push(format!(
        "{} rows left out for a missing value",
        rows.n_dropped
    ));
    Ok(SiteSummary {
        schema: SUMMARY_SCHEMA.to_owned(),
        site: rows.site.to_owned(),
        discloses,
        time: time_words(columns),
        event: event_words(columns),
        group: rows.group_column.map(str::to_owned),
        levels: rows.levels.to_vec(),
        min_cell,
        n: counts.n(),
        n_dropped: rows.n_dropped as u64,
        counts: counts
            .rows
            .iter()
            .map(|r| CountEntry {
                group: rows.levels[r.group as usize].clone(),
                time: r.time,
                n_event: r.n_event,
                n_censor: r.n_censor,
            })
            .collect(),
        logrank,
    })
}

/// A site's group codes recoded into the study's `levels` (the site's own
/// when none are given); a level the study does not list is refused.
fn study_codes(
    site_levels: &[String],
    codes: &[u32],
    study: &[String],
) -> Result<(Vec<String>, Vec<u32>), CliError> {
    if study.is_empty() {
        return Ok((site_levels.to_vec(), codes.to_vec()));
    }
    let mut map = Vec::with_capacity(site_levels.len());
    for level in site_levels {
        match study.iter().position(|l| l == level) {
            Some(at) => map.push(at as u32),
            None => {
                return Err(CliError::Flag {
                    flag: "--levels",
                    message: format!(
                        "the site has level `{level}`, which the study's levels ({}) do not list",
                        study.join(", ")
                    ),
                });
            }
        }
    }
    Ok((
        study.to_vec(),
        codes.iter().map(|&c| map[c as usize]).collect(),
    ))
}

fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<(), CliError> {
    std::fs::write(path, exchange::to_text(value)).map_err(|e| CliError::Write {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

pub fn site_summary(args: SiteSummaryArgs) -> Result<(), CliError> {
    let mut spec = site_spec(&args.input.columns);
    spec.group = args.group.clone();
    let table = read_site(&args.input.source, &spec)?;
    let (levels, codes) = match &table.group {
        Some(g) => study_codes(&g.levels, &g.codes, &args.levels)?,
        None => (vec![ALL.to_owned()], vec![0; table.time.len()]),
    };
    let summary = summarise(
        &SiteRows {
            site: &args.input.site,
            times: &table.time,
            events: &table.event,
            groups: &codes,
            levels: &levels,
            group_column: args.group.as_deref(),
            n_dropped: table.n_dropped,
        },
        &args.input.columns,
        args.min_cell,
        args.rho,
    )?;
    write_json(&args.out, &summary)?;
    input::warn(&format!(
        "{}: what it discloses: {}",
        args.out.display(),
        summary.discloses.join("; ")
    ));
    Ok(())
}

/// A site's reply to `round` from its laid-out rows.
fn reply(
    site: &str,
    round: &CoxRound,
    rows: &CoxSite,
    n_dropped: usize,
) -> Result<CoxReply, CliError> {
    let config = cox_config(&round.ties)?;
    let p = round.covariates.len();
    let (evaluation, concordance, discloses) = match round.asks.as_str() {
        "evaluate" => {
            let e = rows
                .evaluate(&round.beta, &config)
                .map_err(CliError::analysis(site))?;
            (
                Some(EvaluationEntry {
                    loglik: e.loglik,
                    score: e.score,
                    information: e.information.chunks(p).map(<[f64]>::to_vec).collect(),
                }),
                None,
                format!(
                    "the log partial likelihood, its score vector ({p} numbers) and information \
                     matrix ({p}×{p}) at the round's coefficients"
                ),
            )
        }
        "concordance" => {
            let c = rows.concordance(&round.beta);
            (
                None,
                Some(ConcordanceEntry {
                    concordant: c.concordant,
                    discordant: c.discordant,
                    tied_x: c.tied_x,
                    tied_y: c.tied_y,
                    tied_xy: c.tied_xy,
                    sum_aa: c.sum_aa,
                    sum_ab: c.sum_ab,
                    sum_bb: c.sum_bb,
                }),
                "the numbers of concordant, discordant and tied pairs at the final coefficients, \
                 and three sums of squares of the subjects' pair counts"
                    .to_owned(),
            )
        }
        other => {
            return Err(CliError::Flag {
                flag: "--round",
                message: format!("the round asks for `{other}`; expected evaluate or concordance"),
            });
        }
    };
    Ok(CoxReply {
        schema: REPLY_SCHEMA.to_owned(),
        site: site.to_owned(),
        round: round.round,
        covariates: round.covariates.clone(),
        beta: round.beta.clone(),
        discloses: vec![
            discloses,
            format!(
                "the numbers of subjects ({}) and events ({})",
                rows.n(),
                rows.n_events()
            ),
            format!("{n_dropped} rows left out for a missing value"),
        ],
        n: rows.n() as u64,
        events: rows.n_events() as u64,
        n_dropped: n_dropped as u64,
        evaluation,
        concordance,
    })
}

fn cox_config(ties: &str) -> Result<CoxConfig, CliError> {
    let ties: Ties = ties.parse().map_err(|e: String| CliError::Flag {
        flag: "--ties",
        message: e,
    })?;
    Ok(CoxConfig {
        ties,
        ..CoxConfig::default()
    })
}

/// The site's rows of the round's covariates, laid out.
fn cox_rows(table: &SurvivalTable, round: &CoxRound, site: &str) -> Result<CoxSite, CliError> {
    let names: Vec<&str> = table.covariates.iter().map(|c| c.name.as_str()).collect();
    if names
        != round
            .covariates
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
    {
        return Err(CliError::Flag {
            flag: "--round",
            message: format!(
                "the covariates {} must be numeric columns; this site reads them as {}",
                round.covariates.join(", "),
                names.join(", ")
            ),
        });
    }
    let columns: Vec<&[f64]> = table
        .covariates
        .iter()
        .map(|c| c.values.as_slice())
        .collect();
    CoxSite::new(&table.time, &table.event, &columns).map_err(CliError::analysis(site))
}

pub fn site_cox(args: SiteCoxArgs) -> Result<(), CliError> {
    let round: CoxRound = read_exchange(&args.round, ROUND_SCHEMA)?;
    let mut spec = site_spec(&args.input.columns);
    spec.covariates = round.covariates.clone();
    let table = read_site(&args.input.source, &spec)?;
    let rows = cox_rows(&table, &round, &args.input.site)?;
    let reply = reply(&args.input.site, &round, &rows, table.n_dropped)?;
    write_json(&args.out, &reply)
}

// ---------------------------------------------------------------- coordinator

/// Sites in a fixed order whatever order their files come in (numeric ids
/// in numeric order, others as text), so that sums over sites, and with them
/// every last digit of the result, do not depend on the command line's order.
fn site_order(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.total_cmp(&y).then_with(|| a.cmp(b)),
        _ => a.cmp(b),
    }
}

/// The sites' summaries, checked to describe one study, in site order.
fn read_summaries(paths: &[PathBuf]) -> Result<Vec<SiteSummary>, CliError> {
    let mut read: Vec<(PathBuf, SiteSummary)> = paths
        .iter()
        .map(|p| Ok((p.clone(), read_exchange(p, SUMMARY_SCHEMA)?)))
        .collect::<Result<_, CliError>>()?;
    read.sort_by(|a, b| site_order(&a.1.site, &b.1.site));
    let (paths, summaries): (Vec<PathBuf>, Vec<SiteSummary>) = read.into_iter().unzip();
    let first = &summaries[0];
    for (i, s) in summaries.iter().enumerate() {
        let refuse = |message: String| {
            Err(CliError::Flag {
                flag: "summaries",
                message: format!("{}: {message}", paths[i].display()),
            })
        };
        if summaries[..i].iter().any(|o| o.site == s.site) {
            return refuse(format!("site `{}` is given twice", s.site));
        }
        if s.time != first.time || s.event != first.event {
            return refuse(format!(
                "time {} and event {} differ from {}'s ({}, {})",
                s.time, s.event, first.site, first.time, first.event
            ));
        }
        if s.group != first.group || s.levels != first.levels {
            return refuse(format!(
                "groups {:?} with levels {} differ from {}'s ({:?}: {}); give every site the \
                 same --levels",
                s.group,
                s.levels.join(", "),
                first.site,
                first.group,
                first.levels.join(", ")
            ));
        }
        if s.logrank.as_ref().map(|l| l.rho) != first.logrank.as_ref().map(|l| l.rho) {
            return refuse(format!("its log-rank weights differ from {}'s", first.site));
        }
    }
    if summaries.len() == 2 {
        input::warn(
            "two sites only: each can subtract its own part from the pooled result and learn the other's",
        );
    }
    Ok(summaries)
}

fn site_counts(s: &SiteSummary) -> Result<SiteCounts, CliError> {
    let rows = s
        .counts
        .iter()
        .map(|c| {
            let group =
                s.levels
                    .iter()
                    .position(|l| *l == c.group)
                    .ok_or_else(|| CliError::Flag {
                        flag: "summaries",
                        message: format!(
                            "site `{}` counts a group `{}` it does not list",
                            s.site, c.group
                        ),
                    })?;
            Ok(CountRow {
                group: group as u32,
                time: c.time,
                n_event: c.n_event,
                n_censor: c.n_censor,
            })
        })
        .collect::<Result<Vec<_>, CliError>>()?;
    Ok(SiteCounts {
        n_groups: s.levels.len(),
        rows,
    })
}

/// The pooled Kaplan-Meier curves, printed as `npcsurv km` prints its own.
fn pooled_km(
    summaries: &[SiteSummary],
    config: &KmConfig,
    at: &[f64],
    format: OutputFormat,
) -> Result<String, CliError> {
    let tables = summaries
        .iter()
        .map(site_counts)
        .collect::<Result<Vec<_>, _>>()?;
    let analysis = CliError::analysis("the pooled counts");
    let rows = expand(&tables).map_err(&analysis)?;
    let data = SurvivalData::new(&rows.times, &rows.events).map_err(&analysis)?;
    let levels = &summaries[0].levels;
    let grouped = summaries[0].group.is_some();
    let curves = if grouped {
        let data = data.with_groups(&rows.groups).map_err(&analysis)?;
        kaplan_meier_by_group(&data, config).map_err(&analysis)?
    } else {
        vec![kaplan_meier(&data, config).map_err(&analysis)?]
    };
    let outputs: Vec<KmCurveOutput<'_>> = curves
        .iter()
        .enumerate()
        .map(|(g, curve)| KmCurveOutput {
            group: grouped.then(|| levels[g].as_str()),
            curve,
            at,
            rmean: None,
        })
        .collect();
    let n_dropped = summaries.iter().map(|s| s.n_dropped as usize).sum();
    Ok(km::render(&outputs, n_dropped, format))
}

pub fn pool_km(args: PoolKmArgs) -> Result<(), CliError> {
    let summaries = read_summaries(&args.summaries)?;
    let config = KmConfig {
        conf_type: args.conf_type,
        conf_level: args.conf_level,
    };
    input::print(&pooled_km(&summaries, &config, &args.at, args.format)?)
}

/// The log-rank test stratified by site from the sites' sums, and the
/// unstratified test of the pooled counts.
fn pooled_tests(summaries: &[SiteSummary], format: OutputFormat) -> Result<String, CliError> {
    if summaries[0].group.is_none() {
        return Err(CliError::Flag {
            flag: "summaries",
            message: "the summaries have no groups to compare; give sites --group".to_owned(),
        });
    }
    let analysis = CliError::analysis("the pooled summaries");
    let sums: Vec<LogRankSums> = summaries
        .iter()
        .map(|s| {
            let l = s.logrank.as_ref().ok_or_else(|| CliError::Flag {
                flag: "summaries",
                message: format!("site `{}` sent no log-rank sums", s.site),
            })?;
            Ok(LogRankSums {
                rho: l.rho,
                n: l.n.iter().map(|&n| n as usize).collect(),
                observed: l.observed.clone(),
                expected: l.expected.clone(),
                variance: l.variance.iter().flatten().copied().collect(),
            })
        })
        .collect::<Result<_, CliError>>()?;
    for (s, sum) in summaries.iter().zip(&sums) {
        if sum.observed.iter().sum::<f64>() == 0.0 {
            input::warn(&format!(
                "site `{}` has no events: it adds nothing to the test",
                s.site
            ));
        }
    }
    let stratified = pooled_log_rank(&sums).map_err(&analysis)?;
    let tables = summaries
        .iter()
        .map(site_counts)
        .collect::<Result<Vec<_>, _>>()?;
    let rows = expand(&tables).map_err(&analysis)?;
    let data = SurvivalData::new(&rows.times, &rows.events)
        .and_then(|d| d.with_groups(&rows.groups))
        .map_err(&analysis)?;
    let pooled = log_rank(
        &data,
        &LogRankConfig {
            rho: stratified.rho,
        },
    )
    .map_err(&analysis)?;
    let levels = &summaries[0].levels;
    let sites: Vec<String> = summaries.iter().map(|s| s.site.clone()).collect();
    let n_dropped = summaries.iter().map(|s| s.n_dropped as usize).sum();
    let site_column = "site".to_owned();
    Ok(logrank::render_pooled(
        &LogRankOutput {
            test: &stratified,
            levels,
            strata: Some((&site_column, summaries.len())),
            trend: None,
            permutation: None,
            n_dropped,
        },
        &LogRankOutput {
            test: &pooled,
            levels,
            strata: None,
            trend: None,
            permutation: None,
            n_dropped,
        },
        &sites,
        format,
    ))
}

pub fn pool_logrank(args: PoolLogrankArgs) -> Result<(), CliError> {
    let summaries = read_summaries(&args.summaries)?;
    input::print(&pooled_tests(&summaries, args.format)?)
}

/// The iteration replayed from the record of its rounds.
fn replay(state: &CoxState, config: &CoxConfig) -> Result<Newton, CliError> {
    let p = state.covariates.len();
    let mut newton = Newton::new(p, config);
    for r in &state.rounds {
        newton
            .receive(evaluation_of(&r.evaluation))
            .map_err(CliError::analysis("the coordinator's record"))?;
    }
    Ok(newton)
}

fn evaluation_of(e: &EvaluationEntry) -> CoxEvaluation {
    CoxEvaluation {
        loglik: e.loglik,
        score: e.score.clone(),
        information: e.information.iter().flatten().copied().collect(),
    }
}

/// The next round's file: an evaluation at the β Newton-Raphson wants, or,
/// when it has finished, the concordance at the estimate.
fn next_round(state: &CoxState, newton: &Newton) -> CoxRound {
    let (asks, beta) = match newton.wanted() {
        Some(beta) => ("evaluate", beta.to_vec()),
        None => (
            "concordance",
            newton.estimate().unwrap_or_default().to_vec(),
        ),
    };
    CoxRound {
        schema: ROUND_SCHEMA.to_owned(),
        round: state.rounds.len() as u64,
        asks: asks.to_owned(),
        covariates: state.covariates.clone(),
        ties: state.ties.clone(),
        beta,
    }
}

/// What a coordinator's step ends with.
enum Step {
    /// The next round to send to the sites.
    Round(CoxRound),
    /// The fit, printed.
    Fit(String),
}

/// Takes the sites' replies to the current round; gives the next round or
/// the fit.
fn pool_step(
    state: &mut CoxState,
    replies: &[(String, CoxReply)],
    dropped_before_split: usize,
    format: OutputFormat,
) -> Result<Step, CliError> {
    let config = cox_config(&state.ties)?;
    let newton = replay(state, &config)?;
    let current = next_round(state, &newton);
    let mut replies: Vec<&(String, CoxReply)> = replies.iter().collect();
    replies.sort_by(|a, b| site_order(&a.1.site, &b.1.site));
    let refuse = |from: &str, message: String| CliError::Flag {
        flag: "replies",
        message: format!("{from}: {message}"),
    };
    for (i, (from, r)) in replies.iter().map(|r| (&r.0, &r.1)).enumerate() {
        if replies[..i].iter().any(|o| o.1.site == r.site) {
            return Err(refuse(from, format!("site `{}` replied twice", r.site)));
        }
        if r.round != current.round {
            return Err(refuse(
                from,
                format!(
                    "a reply to round {}; the current round is {}",
                    r.round, current.round
                ),
            ));
        }
        if r.covariates != current.covariates {
            return Err(refuse(
                from,
                format!(
                    "covariates {}; the study's are {}",
                    r.covariates.join(", "),
                    current.covariates.join(", ")
                ),
            ));
        }
        if r.beta != current.beta {
            return Err(refuse(
                from,
                format!(
                    "computed at other coefficients than round {} asks for",
                    current.round
                ),
            ));
        }
    }
    let sites: Vec<String> = replies.iter().map(|r| r.1.site.clone()).collect();
    if state.sites.is_empty() {
        state.sites = sites;
    } else {
        let mut given = sites.clone();
        let mut expected = state.sites.clone();
        given.sort();
        expected.sort();
        if given != expected {
            return Err(CliError::Flag {
                flag: "replies",
                message: format!(
                    "replies from {}; round {} needs one from each of {}",
                    sites.join(", "),
                    current.round,
                    state.sites.join(", ")
                ),
            });
        }
    }
    for (from, r) in replies.iter().map(|r| (&r.0, &r.1)) {
        if r.events == 0 {
            input::warn(&format!("{from}: site `{}` has no events", r.site));
        }
    }
    let n: u64 = replies.iter().map(|r| r.1.n).sum();
    let events: u64 = replies.iter().map(|r| r.1.events).sum();
    if events == 0 {
        return Err(CliError::Flag {
            flag: "replies",
            message: "no site has an event: there is nothing to fit".to_owned(),
        });
    }
    match current.asks.as_str() {
        "evaluate" => {
            let parts = replies
                .iter()
                .map(|(from, r)| {
                    r.evaluation
                        .as_ref()
                        .map(evaluation_of)
                        .ok_or_else(|| refuse(from, "no evaluation in the reply".to_owned()))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let total = CoxEvaluation::sum(&parts).map_err(CliError::analysis("the replies"))?;
            let p = state.covariates.len();
            state.rounds.push(RoundRecord {
                round: current.round,
                beta: current.beta.clone(),
                evaluation: EvaluationEntry {
                    loglik: total.loglik,
                    score: total.score.clone(),
                    information: total.information.chunks(p).map(<[f64]>::to_vec).collect(),
                },
                n,
                events,
            });
            let newton = replay(state, &config)?;
            Ok(Step::Round(next_round(state, &newton)))
        }
        _ => {
            let sums = replies
                .iter()
                .map(|(from, r)| {
                    r.concordance
                        .as_ref()
                        .map(|c| ConcordanceSums {
                            concordant: c.concordant,
                            discordant: c.discordant,
                            tied_x: c.tied_x,
                            tied_y: c.tied_y,
                            tied_xy: c.tied_xy,
                            sum_aa: c.sum_aa,
                            sum_ab: c.sum_ab,
                            sum_bb: c.sum_bb,
                        })
                        .ok_or_else(|| refuse(from, "no concordance in the reply".to_owned()))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let concordance = ConcordanceSums::pooled(&sums);
            let fit = pooled_cox_fit(newton, n as usize, events as usize, concordance, &config)
                .map_err(CliError::analysis("the pooled fit"))?;
            let n_dropped = dropped_before_split
                + replies
                    .iter()
                    .map(|r| r.1.n_dropped as usize)
                    .sum::<usize>();
            let output = CoxOutput {
                fit: &fit,
                names: &state.covariates,
                zph: None,
                n_dropped,
                notes: &[],
            };
            for warning in cox::warnings(&output) {
                input::warn(&warning);
            }
            let rounds = state.rounds.len() + 1;
            Ok(Step::Fit(cox::render_pooled(
                &output,
                &state.sites,
                rounds,
                format,
            )))
        }
    }
}

pub fn pool_cox(args: PoolCoxArgs) -> Result<(), CliError> {
    let need_out = |out: &Option<PathBuf>| {
        out.clone().ok_or_else(|| CliError::Flag {
            flag: "--out",
            message: "where to write the next round".to_owned(),
        })
    };
    if args.start {
        let ties = args.ties.unwrap_or_default();
        let state = CoxState {
            schema: STATE_SCHEMA.to_owned(),
            covariates: args.covariates.clone(),
            ties: ties.r_name().to_owned(),
            sites: Vec::new(),
            rounds: Vec::new(),
        };
        let config = cox_config(&state.ties)?;
        let round = next_round(&state, &replay(&state, &config)?);
        write_json(&args.state, &state)?;
        return write_json(&need_out(&args.out)?, &round);
    }
    let mut state: CoxState = read_exchange(&args.state, STATE_SCHEMA)?;
    let replies = args
        .replies
        .iter()
        .map(|p| Ok((p.display().to_string(), read_exchange(p, REPLY_SCHEMA)?)))
        .collect::<Result<Vec<(String, CoxReply)>, CliError>>()?;
    if replies.is_empty() {
        return Err(CliError::Flag {
            flag: "replies",
            message: "no replies given; pass the sites' reply files".to_owned(),
        });
    }
    if replies.len() == 2 {
        input::warn(
            "two sites only: each can subtract its own part from the pooled result and learn the other's",
        );
    }
    match pool_step(&mut state, &replies, 0, args.format)? {
        Step::Round(round) => {
            let out = need_out(&args.out)?;
            write_json(&args.state, &state)?;
            write_json(&out, &round)?;
            input::warn(&format!(
                "round {} ({}) written to {}: send it to the sites",
                round.round,
                round.asks,
                out.display()
            ));
            Ok(())
        }
        Step::Fit(text) => input::print(&text),
    }
}

// ---------------------------------------------------------------- federate

/// A folder for the exchanged files: the one asked for, or a fresh one
/// removed afterwards.
struct WorkDir {
    path: PathBuf,
    remove: bool,
}

impl WorkDir {
    fn new(asked: Option<&PathBuf>) -> Result<WorkDir, CliError> {
        let (path, remove) = match asked {
            Some(p) => (p.clone(), false),
            None => (
                std::env::temp_dir().join(format!("npcsurv-federate-{}", std::process::id())),
                true,
            ),
        };
        std::fs::create_dir_all(&path).map_err(|e| CliError::Write {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Ok(WorkDir { path, remove })
    }

    fn file(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        if self.remove {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// The rows of each site: positions into the table, by the site column's
/// codes.
fn split(table: &SurvivalTable) -> (Vec<String>, Vec<Vec<usize>>) {
    let sites = table
        .strata
        .as_ref()
        .map_or_else(Vec::new, |s| s.levels.clone());
    let mut rows = vec![Vec::new(); sites.len()];
    if let Some(s) = &table.strata {
        for (i, &c) in s.codes.iter().enumerate() {
            rows[c as usize].push(i);
        }
    }
    (sites, rows)
}

fn pick<T: Clone>(values: &[T], at: &[usize]) -> Vec<T> {
    at.iter().map(|&i| values[i].clone()).collect()
}

/// A safe file name for a site id.
fn file_name(site: &str) -> String {
    site.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

pub fn federate(args: FederateArgs) -> Result<(), CliError> {
    let work = WorkDir::new(args.work_dir.as_ref())?;
    match &args.analysis {
        FederatedAnalysis::Km(km) => {
            let summaries = federated_summaries(
                &args,
                &work,
                &km.columns,
                km.group.as_deref(),
                km.min_cell,
                0.0,
            )?;
            let config = KmConfig {
                conf_type: km.conf_type,
                conf_level: km.conf_level,
            };
            input::print(&pooled_km(&summaries, &config, &km.at, km.format)?)
        }
        FederatedAnalysis::Logrank(lr) => {
            let summaries = federated_summaries(
                &args,
                &work,
                &lr.columns,
                Some(&lr.group),
                lr.min_cell,
                lr.rho,
            )?;
            input::print(&pooled_tests(&summaries, lr.format)?)
        }
        FederatedAnalysis::Cox(cx) => federated_cox(&args, &work, cx),
    }
}

/// Reads the file with its site column, writes each site's summary as
/// `site summary` would, and reads them back.
fn federated_summaries(
    args: &FederateArgs,
    work: &WorkDir,
    columns: &SiteColumns,
    group: Option<&str>,
    min_cell: u64,
    rho: f64,
) -> Result<Vec<SiteSummary>, CliError> {
    let mut spec = site_spec(columns);
    spec.group = group.map(str::to_owned);
    spec.strata = Some(args.site_column.clone());
    let table = input_table(args, &spec)?;
    let (sites, rows) = split(&table);
    // The coordinator tells every site the study's levels.
    let (levels, codes) = match &table.group {
        Some(g) => (g.levels.clone(), g.codes.clone()),
        None => (vec![ALL.to_owned()], vec![0; table.time.len()]),
    };
    let mut paths = Vec::with_capacity(sites.len());
    for (site, at) in sites.iter().zip(&rows) {
        let summary = summarise(
            &SiteRows {
                site,
                times: &pick(&table.time, at),
                events: &pick(&table.event, at),
                groups: &pick(&codes, at),
                levels: &levels,
                group_column: group,
                n_dropped: 0,
            },
            columns,
            min_cell,
            rho,
        )?;
        let path = work.file(&format!("summary-{}.json", file_name(site)));
        write_json(&path, &summary)?;
        paths.push(path);
    }
    let mut summaries = read_summaries(&paths)?;
    // The rows the file left out, said once, by the coordinator.
    if let Some(first) = summaries.first_mut() {
        first.n_dropped = table.n_dropped as u64;
    }
    Ok(summaries)
}

/// The file read with its site column as strata; rows missing it are left
/// out and said.
fn input_table(args: &FederateArgs, spec: &ColumnSpec) -> Result<SurvivalTable, CliError> {
    let table = read_site(&args.source, spec)?;
    if table.n_dropped > 0 {
        input::warn(&format!(
            "{}: {} of {} rows left out for a missing value (site column included)",
            table.source, table.n_dropped, table.n_read
        ));
    }
    Ok(table)
}

/// Every round of a Cox fit through files: the coordinator's round, each
/// site's reply, the coordinator's next step.
fn federated_cox(
    args: &FederateArgs,
    work: &WorkDir,
    cx: &crate::args::FederatedCox,
) -> Result<(), CliError> {
    let mut spec = site_spec(&cx.columns);
    spec.covariates = cx.covariates.clone();
    spec.strata = Some(args.site_column.clone());
    let table = input_table(args, &spec)?;
    let (sites, rows) = split(&table);
    let mut state = CoxState {
        schema: STATE_SCHEMA.to_owned(),
        covariates: cx.covariates.clone(),
        ties: cx.ties.r_name().to_owned(),
        sites: Vec::new(),
        rounds: Vec::new(),
    };
    let config = cox_config(&state.ties)?;
    let layouts: Vec<CoxSite> = sites
        .iter()
        .zip(&rows)
        .map(|(site, at)| {
            let covariates: Vec<Vec<f64>> = table
                .covariates
                .iter()
                .map(|c| pick(&c.values, at))
                .collect();
            let site_table = SurvivalTable {
                time: pick(&table.time, at),
                event: pick(&table.event, at),
                covariates: table
                    .covariates
                    .iter()
                    .zip(covariates)
                    .map(|(c, values)| surv_reader::Covariate {
                        name: c.name.clone(),
                        values,
                    })
                    .collect(),
                group: None,
                strata: None,
                source: site.clone(),
                n_read: at.len(),
                n_dropped: 0,
            };
            let round = next_round(&state, &Newton::new(cx.covariates.len(), &config));
            cox_rows(&site_table, &round, site)
        })
        .collect::<Result<_, _>>()?;
    let state_path = work.file("cox-state.json");
    write_json(&state_path, &state)?;
    loop {
        let newton = replay(&state, &config)?;
        let round = next_round(&state, &newton);
        let round_path = work.file(&format!("cox-round-{}.json", round.round));
        write_json(&round_path, &round)?;
        // Each site reads the round file and writes its reply.
        let mut replies = Vec::with_capacity(sites.len());
        for (site, rows) in sites.iter().zip(&layouts) {
            let round: CoxRound = read_exchange(&round_path, ROUND_SCHEMA)?;
            let reply_path = work.file(&format!(
                "cox-reply-{}-{}.json",
                round.round,
                file_name(site)
            ));
            write_json(&reply_path, &reply(site, &round, rows, 0)?)?;
            replies.push((
                reply_path.display().to_string(),
                read_exchange(&reply_path, REPLY_SCHEMA)?,
            ));
        }
        let mut record: CoxState = read_exchange(&state_path, STATE_SCHEMA)?;
        let step = pool_step(&mut record, &replies, table.n_dropped, cx.format)?;
        write_json(&state_path, &record)?;
        state = record;
        if let Step::Fit(text) = step {
            return input::print(&text);
        }
    }
}
