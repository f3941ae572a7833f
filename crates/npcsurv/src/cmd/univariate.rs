//! `npcsurv univariate`: the univariate analysis table of any cohort, the
//! multivariable model of its factors, and their forest plot.

use surv_engine::univariate::{FactorAnalysis, UnivariateConfig, analyse_factor};
use surv_engine::{
    CoxConfig, CoxFit, KmConfig, PermutationConfig, SurvivalData, adjust_p_values, cox_ph,
};
use surv_reader::{ColumnSpec, Labels, SurvivalTable};
use surv_render::cox::CoxOutput;
use surv_render::plot::{self, ForestRow, ImageFormat};
use surv_render::univariate::{self, FactorOutput, UnivariateOutput};

use crate::args::UnivariateArgs;
use crate::error::CliError;
use crate::input;

/// A factor analysed: its groups' names and the analysis.
struct Categorical {
    name: String,
    groups: Vec<String>,
    analysis: FactorAnalysis,
    n_dropped: usize,
}

/// A continuous factor: its one-covariate fit.
struct Continuous {
    name: String,
    fit: CoxFit,
    n_dropped: usize,
}

/// The multivariable model: its terms' names and fit.
struct Multivariable {
    names: Vec<String>,
    fit: CoxFit,
    n_dropped: usize,
    notes: Vec<String>,
}

pub fn run(args: UnivariateArgs) -> Result<(), CliError> {
    check_flags(&args)?;
    let km = KmConfig {
        conf_type: args.conf_type,
        ..KmConfig::default()
    };
    let cox = CoxConfig {
        ties: args.ties,
        ..CoxConfig::default()
    };
    let config = UnivariateConfig {
        km,
        cox,
        at: args.at.clone(),
        permutation: (!args.no_permutation).then(|| PermutationConfig {
            seed: args.seed,
            ..PermutationConfig::default()
        }),
        ..UnivariateConfig::default()
    };

    let mut categorical = Vec::with_capacity(args.factors.len());
    for factor in &args.factors {
        let spec = input::spec(&args.input).with_group(factor);
        let table = read(&args, &spec, factor)?;
        let analysis_error = CliError::analysis(&table.source);
        let Some(labels) = table.group.clone() else {
            continue;
        };
        let labels = with_reference(labels, &args.references)?;
        let data = SurvivalData::new(&table.time, &table.event)
            .and_then(|d| d.with_groups(&labels.codes))
            .map_err(&analysis_error)?;
        let analysis = analyse_factor(&data, &config).map_err(|e| CliError::Flag {
            flag: "--factors",
            message: format!("`{factor}`: {e}"),
        })?;
        for (group, g) in labels.levels.iter().zip(&analysis.groups) {
            if g.n_events == 0 {
                input::warn(&format!(
                    "{factor}: group `{group}` has no events: its hazard ratio cannot be estimated"
                ));
            }
        }
        for warning in &analysis.cox.warnings {
            input::warn(&format!("{factor}: {warning}"));
        }
        categorical.push(Categorical {
            name: factor.clone(),
            groups: labels.levels,
            analysis,
            n_dropped: table.n_dropped,
        });
    }

    let mut continuous = Vec::with_capacity(args.continuous.len());
    for column in &args.continuous {
        let mut spec = input::spec(&args.input);
        spec.covariates = vec![column.clone()];
        let table = read(&args, &spec, column)?;
        let analysis_error = CliError::analysis(&table.source);
        if table.covariates.len() != 1 {
            return Err(CliError::Flag {
                flag: "--continuous",
                message: format!(
                    "`{column}` is not a numeric column; give text columns to --factors"
                ),
            });
        }
        let data = SurvivalData::new(&table.time, &table.event).map_err(&analysis_error)?;
        let fit = cox_ph(&data, &[&table.covariates[0].values], &cox).map_err(&analysis_error)?;
        continuous.push(Continuous {
            name: column.clone(),
            fit,
            n_dropped: table.n_dropped,
        });
    }

    let adjusted =
        |pick: fn(&FactorAnalysis) -> Option<f64>| -> Result<Vec<Option<f64>>, CliError> {
            let Some(method) = args.adjust else {
                return Ok(vec![None; categorical.len()]);
            };
            let p: Option<Vec<f64>> = categorical.iter().map(|c| pick(&c.analysis)).collect();
            let Some(p) = p else {
                return Ok(vec![None; categorical.len()]);
            };
            let adjusted = adjust_p_values(&p, method).map_err(CliError::analysis("--adjust"))?;
            Ok(adjusted.into_iter().map(Some).collect())
        };
    let logrank_adjusted = adjusted(|a| Some(a.log_rank.p_value))?;
    let permutation_adjusted = adjusted(|a| a.permutation.as_ref().map(|p| p.p_value))?;

    let multivariable = if args.multivariable {
        Some(multivariable(&args, &cox)?)
    } else {
        None
    };

    let mut factors: Vec<FactorOutput<'_>> = categorical
        .iter()
        .zip(logrank_adjusted.iter().zip(&permutation_adjusted))
        .map(|(c, (&p, &pp))| FactorOutput::Categorical {
            name: &c.name,
            groups: &c.groups,
            analysis: &c.analysis,
            n_dropped: c.n_dropped,
            p_adjusted: p,
            permutation_p_adjusted: pp,
        })
        .collect();
    factors.extend(continuous.iter().map(|c| FactorOutput::Continuous {
        name: &c.name,
        fit: &c.fit,
        n_dropped: c.n_dropped,
    }));
    let output = UnivariateOutput {
        factors: &factors,
        at: &args.at,
        adjustment: args.adjust.map(|a| a.r_name()),
        multivariable: multivariable.as_ref().map(|m| CoxOutput {
            fit: &m.fit,
            names: &m.names,
            zph: None,
            n_dropped: m.n_dropped,
            notes: &m.notes,
        }),
    };
    if let Some(m) = &output.multivariable {
        for warning in surv_render::cox::warnings(m) {
            input::warn(&format!("multivariable model: {warning}"));
        }
    }
    if let Some(path) = &args.forest {
        let rows = match &multivariable {
            Some(m) => multivariable_rows(&args, &categorical, m),
            None => univariate_rows(&categorical, &continuous),
        };
        let label = if multivariable.is_some() {
            "Hazard ratio, adjusted (95% CI, log scale)"
        } else {
            "Hazard ratio (95% CI, log scale)"
        };
        draw(path, &rows, label, &args)?;
    }
    input::print(&univariate::render(&output, args.input.columns.format))
}

/// Flags that contradict each other are refused before any work.
fn check_flags(args: &UnivariateArgs) -> Result<(), CliError> {
    let all: Vec<&String> = args.factors.iter().chain(&args.continuous).collect();
    for (i, name) in all.iter().enumerate() {
        if all[..i].contains(name) {
            return Err(CliError::Flag {
                flag: "--factors",
                message: format!("`{name}` is listed twice (--factors and --continuous together)"),
            });
        }
    }
    if let Some((column, _)) = args
        .references
        .iter()
        .find(|(c, _)| !args.factors.contains(c))
    {
        return Err(CliError::Flag {
            flag: "--reference",
            message: format!("`{column}` is not among --factors"),
        });
    }
    Ok(())
}

/// Reads the columns of `spec`; says how many rows `what` left out.
fn read(args: &UnivariateArgs, spec: &ColumnSpec, what: &str) -> Result<SurvivalTable, CliError> {
    let table = input::read_quietly(&args.input, spec)?;
    if table.n_dropped > 0 {
        input::warn(&format!(
            "{what}: {} of {} rows left out for a missing value",
            table.n_dropped, table.n_read
        ));
    }
    Ok(table)
}

/// The groups recoded so that --reference's level comes first; the others
/// keep their sorted order.
fn with_reference(labels: Labels, references: &[(String, String)]) -> Result<Labels, CliError> {
    let Some((_, level)) = references.iter().find(|(c, _)| *c == labels.column) else {
        return Ok(labels);
    };
    let Some(at) = labels.levels.iter().position(|l| l == level) else {
        return Err(CliError::Flag {
            flag: "--reference",
            message: format!(
                "`{}` has no level `{level}`; its levels are {}",
                labels.column,
                labels.levels.join(", ")
            ),
        });
    };
    let at = at as u32;
    let recode = |c: u32| match c {
        c if c == at => 0,
        c if c < at => c + 1,
        c => c,
    };
    let mut levels = labels.levels.clone();
    let reference = levels.remove(at as usize);
    levels.insert(0, reference);
    Ok(Labels {
        column: labels.column,
        levels,
        codes: labels.codes.into_iter().map(recode).collect(),
    })
}

/// One Cox model of every factor (as categories) and continuous column, on
/// the rows where none is missing.
fn multivariable(args: &UnivariateArgs, cox: &CoxConfig) -> Result<Multivariable, CliError> {
    let mut spec = input::spec(&args.input);
    spec.covariates = args
        .factors
        .iter()
        .chain(&args.continuous)
        .cloned()
        .collect();
    spec.categorical = args.factors.clone();
    spec.references = args.references.clone();
    let table = read(args, &spec, "multivariable model")?;
    let analysis_error = CliError::analysis(&table.source);
    let data = SurvivalData::new(&table.time, &table.event).map_err(&analysis_error)?;
    let columns: Vec<&[f64]> = table
        .covariates
        .iter()
        .map(|c| c.values.as_slice())
        .collect();
    let fit = cox_ph(&data, &columns, cox).map_err(&analysis_error)?;
    let events = table.event.iter().filter(|&&e| e).count();
    let mut notes = Vec::new();
    if events < 10 * columns.len() {
        notes.push(format!(
            "{events} events for {} coefficients ({:.1} per coefficient): \
             with fewer than 10 events per coefficient the estimates may be unreliable",
            columns.len(),
            events as f64 / columns.len() as f64
        ));
    }
    Ok(Multivariable {
        names: table.covariates.iter().map(|c| c.name.clone()).collect(),
        fit,
        n_dropped: table.n_dropped,
        notes,
    })
}

/// The forest plot's rows of the univariate table: per factor a heading,
/// its reference group, then each group's hazard ratio; per continuous
/// factor one row per unit.
fn univariate_rows(categorical: &[Categorical], continuous: &[Continuous]) -> Vec<ForestRow> {
    let mut rows = Vec::new();
    for c in categorical {
        rows.push(ForestRow::heading(&c.name));
        for (group, g) in c.groups.iter().zip(&c.analysis.groups) {
            rows.push(match g.hazard_ratio {
                None => ForestRow::reference(group, g.n),
                Some(hr) => ForestRow::estimate(group, Some(g.n), hr, g.p_value),
            });
        }
    }
    for c in continuous {
        rows.push(ForestRow::heading(&c.name));
        rows.push(ForestRow::estimate(
            "per unit",
            Some(c.fit.n),
            c.fit.hazard_ratio[0],
            c.fit.p_value[0],
        ));
    }
    rows
}

/// The forest plot's rows of the multivariable model: per factor its
/// reference level and its indicators' hazard ratios; continuous terms per
/// unit.
fn multivariable_rows(
    args: &UnivariateArgs,
    categorical: &[Categorical],
    m: &Multivariable,
) -> Vec<ForestRow> {
    let mut rows = Vec::new();
    for factor in &args.factors {
        rows.push(ForestRow::heading(factor));
        let prefix = format!("{factor}=");
        let terms: Vec<usize> = (0..m.names.len())
            .filter(|&j| m.names[j].starts_with(&prefix))
            .collect();
        // The reference is the level without an indicator.
        let levels = categorical
            .iter()
            .find(|c| c.name == *factor)
            .map(|c| c.groups.clone())
            .unwrap_or_default();
        if let Some(reference) = levels
            .iter()
            .find(|l| !terms.iter().any(|&j| m.names[j][prefix.len()..] == **l))
        {
            rows.push(ForestRow::reference_without_n(reference));
        }
        for j in terms {
            rows.push(ForestRow::estimate(
                &m.names[j][prefix.len()..],
                None,
                m.fit.hazard_ratio[j],
                m.fit.p_value[j],
            ));
        }
    }
    for column in &args.continuous {
        if let Some(j) = m.names.iter().position(|n| n == column) {
            rows.push(ForestRow::heading(column));
            rows.push(ForestRow::estimate(
                "per unit",
                None,
                m.fit.hazard_ratio[j],
                m.fit.p_value[j],
            ));
        }
    }
    rows
}

/// Draws the forest plot to `path` in the format its extension names.
fn draw(
    path: &std::path::Path,
    rows: &[ForestRow],
    axis: &str,
    args: &UnivariateArgs,
) -> Result<(), CliError> {
    let plot_error = |error| CliError::Plot {
        path: path.display().to_string(),
        error,
    };
    let format = ImageFormat::from_path(path).map_err(plot_error)?;
    if args.dpi.is_some() && format != ImageFormat::Png {
        return Err(CliError::Flag {
            flag: "--dpi",
            message: "a resolution applies to a .png figure only".to_owned(),
        });
    }
    let svg = plot::forest(rows, args.title.as_deref(), axis).map_err(plot_error)?;
    let bytes = match format {
        ImageFormat::Svg => svg.into_bytes(),
        other => {
            plot::encode(&svg, other, args.dpi.unwrap_or(plot::DEFAULT_DPI)).map_err(plot_error)?
        }
    };
    std::fs::write(path, bytes).map_err(|e| CliError::Write {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}
