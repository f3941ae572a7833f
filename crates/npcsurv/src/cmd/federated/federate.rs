//! The rehearsal: one file split by its site column, every site's and the
//! coordinator's step run through the same files a real study exchanges.

use super::pool::*;
use super::site::*;
use super::*;
/// A folder for the exchanged files: the one asked for, or a fresh one
/// removed afterwards.
pub(super) struct WorkDir {
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
pub(super) fn split(table: &SurvivalTable) -> (Vec<String>, Vec<Vec<usize>>) {
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
pub(super) fn federated_summaries(
    args: &FederateArgs,
    work: &WorkDir,
    columns: &TimeEvent,
    group: Option<&str>,
    min_cell: u64,
    rho: f64,
) -> Result<Vec<SiteSummary>, CliError> {
    let mut spec = input::spec_of(columns);
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
pub(super) fn input_table(
    args: &FederateArgs,
    spec: &ColumnSpec,
) -> Result<SurvivalTable, CliError> {
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
pub(super) fn federated_cox(
    args: &FederateArgs,
    work: &WorkDir,
    cx: &crate::args::FederatedCox,
) -> Result<(), CliError> {
    let mut spec = input::spec_of(&cx.columns);
    spec.covariates = cx.covariates.clone();
    spec.strata = Some(args.site_column.clone());
    // The coordinator declares each factor's levels: those of the rows the
    // fit uses, sorted, the reference (--reference, or the first) first.
    let mut factors = Vec::with_capacity(cx.categorical.len());
    for column in &cx.categorical {
        if !cx.covariates.contains(column) {
            return Err(CliError::Flag {
                flag: "--categorical",
                message: format!("`{column}` is not among --covariates"),
            });
        }
        let mut levels_spec = spec.clone();
        levels_spec.group = Some(column.clone());
        let levels = read_site(&args.source, &levels_spec)?
            .group
            .map(|g| g.levels)
            .unwrap_or_default();
        let reference = cx
            .references
            .iter()
            .find(|(c, _)| c == column)
            .map(|(_, l)| l.clone());
        let mut declared = levels.clone();
        if let Some(reference) = reference {
            let Some(at) = declared.iter().position(|l| *l == reference) else {
                return Err(CliError::Flag {
                    flag: "--reference",
                    message: format!(
                        "`{column}` has no level `{reference}`; its levels are {}",
                        levels.join(", ")
                    ),
                });
            };
            let first = declared.remove(at);
            declared.insert(0, first);
        }
        factors.push(FactorLevels {
            column: column.clone(),
            levels: declared,
        });
    }
    if let Some((column, _)) = cx
        .references
        .iter()
        .find(|(c, _)| !cx.categorical.contains(c))
    {
        return Err(CliError::Flag {
            flag: "--reference",
            message: format!("`{column}` is not among --categorical"),
        });
    }
    spec.levels = factors
        .iter()
        .map(|f| (f.column.clone(), f.levels.clone()))
        .collect();
    let table = input_table(args, &spec)?;
    let (sites, rows) = split(&table);
    let mut state = CoxState {
        schema: STATE_SCHEMA.to_owned(),
        covariates: cx.covariates.clone(),
        factors,
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
                entry: None,
                weights: None,
                cluster: None,
                status: None,
                source: site.clone(),
                n_read: at.len(),
                n_dropped: 0,
            };
            let round = next_round(&state, &replay(&state, &config)?);
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
