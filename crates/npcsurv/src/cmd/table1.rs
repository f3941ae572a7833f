//! `npcsurv table1`: Table 1 of any file, as gtsummary's
//! `tbl_summary(by =) |> add_overall() |> add_p()` gives it.

use surv_engine::baseline::{self, BaselineConfig, Column, Variable};
use surv_engine::contingency::FisherMethod;
use surv_reader::{Levels, TextTable};
use surv_render::table1::{self, Table1Output, VariableNames};

use crate::args::Table1Args;
use crate::error::CliError;
use crate::input;

/// Numeric columns with fewer distinct values than this are categories
/// (gtsummary's rule).
const CATEGORICAL_BELOW: usize = 10;

/// One variable as read: categories or numbers, over the rows kept.
enum Read {
    Categories(Levels),
    Numbers(Vec<Option<f64>>),
}

pub fn run(args: Table1Args) -> Result<(), CliError> {
    let table = TextTable::read_as(&args.source.file, &input::options(&args.source))?;
    let names = variable_names(&args, &table)?;

    // Rows without a value of --by are left out of the whole table.
    let by = match &args.by {
        Some(by) => Some(table.levels(table.column(by)?)),
        None => None,
    };
    let kept: Vec<usize> = (0..table.height())
        .filter(|&r| by.as_ref().is_none_or(|b| b.codes[r].is_some()))
        .collect();
    let n_missing_by = table.height() - kept.len();
    if let (Some(by_name), true) = (&args.by, kept.is_empty()) {
        return Err(CliError::Flag {
            flag: "--by",
            message: format!("column `{by_name}` has no values"),
        });
    }
    let by = by.map(|b| restrict(b, Some(&kept)));
    if n_missing_by > 0 {
        input::warn(&format!(
            "{}: {n_missing_by} of {} rows left out for a missing value of {}",
            table.source(),
            table.height(),
            args.by.as_deref().unwrap_or_default()
        ));
    }

    let mut read = Vec::with_capacity(names.len());
    for name in &names {
        let column = table.column(name)?;
        read.push(classify(
            &table,
            column,
            &kept,
            args.categorical.contains(name),
        ));
    }
    let variables: Vec<Variable<'_>> = read
        .iter()
        .map(|r| Variable {
            column: match r {
                Read::Categories(l) => Column::Categorical {
                    n_levels: l.levels.len(),
                    codes: &l.codes,
                },
                Read::Numbers(values) => Column::Continuous { values },
            },
        })
        .collect();
    let by_codes: Option<Vec<u32>> = by
        .as_ref()
        .map(|b| b.codes.iter().map(|c| c.unwrap_or_default()).collect());
    let summary = baseline::describe(
        &variables,
        by.as_ref()
            .zip(by_codes.as_deref())
            .map(|(b, codes)| (codes, b.levels.len())),
        &BaselineConfig::default(),
    )
    .map_err(CliError::analysis(table.source()))?;
    for (v, name) in summary.variables.iter().zip(&names) {
        let Some(test) = &v.test else { continue };
        if let Some(FisherMethod::MonteCarlo { replicates, seed }) = test.fisher_method {
            input::warn(&format!(
                "{name}: too many tables to enumerate for Fisher's exact test; \
                 its p-value is estimated from {replicates} random tables (seed {seed})"
            ));
        }
        if let Some(why) = &test.undefined {
            input::warn(&format!("{name}: no p-value: {why}"));
        }
    }
    let labels: Vec<VariableNames> = names
        .iter()
        .zip(&read)
        .map(|(name, r)| VariableNames {
            name: name.clone(),
            levels: match r {
                Read::Categories(l) => l.levels.clone(),
                Read::Numbers(_) => Vec::new(),
            },
        })
        .collect();
    let groups = by.map(|b| b.levels).unwrap_or_default();
    let output = Table1Output {
        table: &summary,
        by: args.by.as_deref(),
        groups: &groups,
        variables: &labels,
        n_missing_by,
    };
    input::print(&table1::render(&output, args.format))
}

/// The variables asked for (default: every column but --by), checked against
/// --by and --categorical.
fn variable_names(args: &Table1Args, table: &TextTable) -> Result<Vec<String>, CliError> {
    let names: Vec<String> = if args.variables.is_empty() {
        table
            .names()
            .iter()
            .filter(|n| Some(*n) != args.by.as_ref())
            .cloned()
            .collect()
    } else {
        args.variables.clone()
    };
    for (i, name) in names.iter().enumerate() {
        if names[..i].contains(name) {
            return Err(CliError::Flag {
                flag: "--variables",
                message: format!("`{name}` is listed twice"),
            });
        }
        if Some(name) == args.by.as_ref() {
            return Err(CliError::Flag {
                flag: "--variables",
                message: format!("`{name}` is the --by column; it makes the table's columns"),
            });
        }
    }
    if let Some(stray) = args.categorical.iter().find(|c| !names.contains(c)) {
        return Err(CliError::Flag {
            flag: "--categorical",
            message: format!("`{stray}` is not among the table's variables"),
        });
    }
    if names.is_empty() {
        return Err(CliError::Flag {
            flag: "--variables",
            message: "no variables to summarise".to_owned(),
        });
    }
    Ok(names)
}

/// A column as categories or numbers over the rows kept: text is
/// categories; numbers are, when forced or with fewer than 10 distinct
/// values; other numbers are numbers.
fn classify(table: &TextTable, column: usize, kept: &[usize], forced: bool) -> Read {
    let categories = || Read::Categories(restrict(table.levels(column), Some(kept)));
    if forced {
        return categories();
    }
    match table.numbers(column) {
        Ok(numbers) => {
            let mut distinct: Vec<f64> = kept.iter().filter_map(|&r| numbers[r]).collect();
            distinct.sort_unstable_by(f64::total_cmp);
            distinct.dedup();
            if distinct.len() < CATEGORICAL_BELOW {
                categories()
            } else {
                Read::Numbers(kept.iter().map(|&r| numbers[r]).collect())
            }
        }
        Err(first_text) => {
            let numeric = kept
                .iter()
                .filter(|&&r| {
                    table
                        .cell(column, r)
                        .is_some_and(|c| c.trim().parse::<f64>().is_ok())
                })
                .count();
            if numeric * 2 > kept.len() {
                input::warn(&format!(
                    "{first_text}; the column is summarised as categories"
                ));
            }
            categories()
        }
    }
}

/// Levels over the rows `kept` (all rows for `None`), without the levels no
/// kept row has.
fn restrict(levels: Levels, kept: Option<&[usize]>) -> Levels {
    let codes: Vec<Option<u32>> = match kept {
        Some(rows) => rows.iter().map(|&r| levels.codes[r]).collect(),
        None => levels.codes,
    };
    let mut used = vec![false; levels.levels.len()];
    for c in codes.iter().flatten() {
        used[*c as usize] = true;
    }
    let mut new_code = Vec::with_capacity(used.len());
    let mut next = 0u32;
    for &u in &used {
        new_code.push(next);
        next += u32::from(u);
    }
    Levels {
        levels: levels
            .levels
            .into_iter()
            .zip(&used)
            .filter(|(_, u)| **u)
            .map(|(l, _)| l)
            .collect(),
        codes: codes
            .into_iter()
            .map(|c| c.map(|c| new_code[c as usize]))
            .collect(),
    }
}
