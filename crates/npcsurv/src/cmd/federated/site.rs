//! What a site runs: its summary for Kaplan-Meier and log-rank, and its
//! replies to the rounds of a Cox fit.

use super::*;

/// What one site's rows are, for a summary.
pub(super) struct SiteRows<'a> {
    pub site: &'a str,
    pub times: &'a [f64],
    pub events: &'a [bool],
    /// Group codes into `levels`.
    pub groups: &'a [u32],
    pub levels: &'a [String],
    pub group_column: Option<&'a str>,
    pub n_dropped: usize,
}

/// A site's summary: its count table, coarsened to `min_cell`, and its
/// log-rank sums (with groups), with the list of what it discloses.
pub(super) fn summarise(
    rows: &SiteRows<'_>,
    columns: &TimeEvent,
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
pub(super) fn study_codes(
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

pub fn site_summary(args: SiteSummaryArgs) -> Result<(), CliError> {
    let mut spec = input::spec_of(&args.input.columns);
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
pub(super) fn reply(
    site: &str,
    round: &CoxRound,
    rows: &CoxSite,
    n_dropped: usize,
) -> Result<CoxReply, CliError> {
    let config = cox_config(&round.ties)?;
    let p = round.terms.len();
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
        terms: round.terms.clone(),
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

/// The site's rows of the round's covariates, laid out.
pub(super) fn cox_rows(
    table: &SurvivalTable,
    round: &CoxRound,
    site: &str,
) -> Result<CoxSite, CliError> {
    let names: Vec<&str> = table.covariates.iter().map(|c| c.name.as_str()).collect();
    if names != round.terms.iter().map(String::as_str).collect::<Vec<_>>() {
        return Err(CliError::Flag {
            flag: "--round",
            message: format!(
                "the round's coefficients are {}; this site reads {}: a text column must be \
                 declared a factor with its levels when the fit starts",
                round.terms.join(", "),
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
    let mut spec = input::spec_of(&args.input.columns);
    spec.covariates = round.covariates.clone();
    spec.levels = round
        .factors
        .iter()
        .map(|f| (f.column.clone(), f.levels.clone()))
        .collect();
    let table = read_site(&args.input.source, &spec)?;
    let rows = cox_rows(&table, &round, &args.input.site)?;
    let reply = reply(&args.input.site, &round, &rows, table.n_dropped)?;
    write_json(&args.out, &reply)
}

pub fn site_sql(args: SiteSqlArgs) -> Result<(), CliError> {
    let query = exchange::count_query(
        &args.table,
        &args.time,
        &args.event,
        args.event_value.as_deref(),
        args.group.as_deref(),
    )
    .map_err(|message| CliError::Flag {
        flag: "site sql",
        message,
    })?;
    input::print(&query)
}
