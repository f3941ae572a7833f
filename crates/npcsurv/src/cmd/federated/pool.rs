//! What the coordinator runs: the pooled curves and tests from the sites'
//! summaries, and the rounds of a Cox fit stratified by site.

use super::*;

/// The sites' summaries, checked to describe one study, in site order.
pub(super) fn read_summaries(paths: &[PathBuf]) -> Result<Vec<SiteSummary>, CliError> {
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

pub(super) fn site_counts(s: &SiteSummary) -> Result<SiteCounts, CliError> {
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
pub(super) fn pooled_km(
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
pub(super) fn pooled_tests(
    summaries: &[SiteSummary],
    format: OutputFormat,
) -> Result<String, CliError> {
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
pub(super) fn replay(state: &CoxState, config: &CoxConfig) -> Result<Newton, CliError> {
    let p = exchange::terms(&state.covariates, &state.factors).len();
    let mut newton = Newton::new(p, config);
    for r in &state.rounds {
        newton
            .receive(evaluation_of(&r.evaluation))
            .map_err(CliError::analysis("the coordinator's record"))?;
    }
    Ok(newton)
}

pub(super) fn evaluation_of(e: &EvaluationEntry) -> CoxEvaluation {
    CoxEvaluation {
        loglik: e.loglik,
        score: e.score.clone(),
        information: e.information.iter().flatten().copied().collect(),
    }
}

/// The next round's file: an evaluation at the β Newton-Raphson wants, or,
/// when it has finished, the concordance at the estimate.
pub(super) fn next_round(state: &CoxState, newton: &Newton) -> CoxRound {
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
        factors: state.factors.clone(),
        terms: exchange::terms(&state.covariates, &state.factors),
        ties: state.ties.clone(),
        beta,
    }
}

/// What a coordinator's step ends with.
pub(super) enum Step {
    /// The next round to send to the sites.
    Round(CoxRound),
    /// The fit, printed.
    Fit(String),
}

/// Takes the sites' replies to the current round; gives the next round or
/// the fit.
pub(super) fn pool_step(
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
        if r.terms != current.terms {
            return Err(refuse(
                from,
                format!(
                    "coefficients {}; the study's are {}",
                    r.terms.join(", "),
                    current.terms.join(", ")
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
            let p = current.terms.len();
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
                names: &current.terms,
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
        let mut factors = Vec::with_capacity(args.factors.len());
        for (column, levels) in &args.factors {
            if !args.covariates.contains(column) {
                return Err(CliError::Flag {
                    flag: "--factor",
                    message: format!("`{column}` is not among --covariates"),
                });
            }
            factors.push(FactorLevels {
                column: column.clone(),
                levels: levels.clone(),
            });
        }
        let state = CoxState {
            schema: STATE_SCHEMA.to_owned(),
            covariates: args.covariates.clone(),
            factors,
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
