//! Reading the survival columns of the user's file, and what every command
//! prints besides its result.

use std::io::Write;

use surv_reader::{ColumnSpec, Format, ReadOptions, Sheet, SurvivalTable, TextLayout};

use surv_engine::SurvivalData;

use crate::args::{Input, RowArgs, Source, TimeEvent, TimeSpan};
use crate::error::CliError;

/// The column spec of `input` (time or dates, event, event value); commands
/// add theirs.
pub fn spec(input: &Input) -> ColumnSpec {
    spec_of(&input.columns.time_event)
}

/// The spec with the entry and weight columns `rows` asks for.
pub fn with_rows(mut spec: ColumnSpec, rows: &RowArgs) -> ColumnSpec {
    spec.entry = rows.start.clone();
    spec.weights = rows.weights.clone();
    spec
}

/// The engine's input from a table: times and events, with the entry times,
/// weights and clusters the table holds (groups and strata are the
/// command's to add).
pub fn survival_data(table: &SurvivalTable) -> Result<SurvivalData<'_>, CliError> {
    let analysis = CliError::analysis(&table.source);
    let mut data = SurvivalData::new(&table.time, &table.event).map_err(&analysis)?;
    if let Some(entry) = &table.entry {
        data = data.with_entry(entry).map_err(&analysis)?;
    }
    if let Some(weights) = &table.weights {
        data = data.with_weights(weights).map_err(&analysis)?;
    }
    if let Some(cluster) = &table.cluster {
        data = data.with_clusters(&cluster.codes).map_err(&analysis)?;
    }
    Ok(data)
}

/// The column spec of the time and event flags.
pub fn spec_of(input: &TimeEvent) -> ColumnSpec {
    ColumnSpec {
        event_value: input.event_value.clone(),
        ..spec_of_span(&input.span, &input.event)
    }
}

/// The column spec of a time (column or dates) with `event` as the event
/// column.
pub fn spec_of_span(span: &TimeSpan, event: &str) -> ColumnSpec {
    let spec = ColumnSpec::new(span.time.as_deref().unwrap_or_default(), event);
    match (&span.time_from, &span.time_to) {
        (Some(from), Some(to)) => spec.with_dates(from, to, span.time_unit.unwrap_or_default()),
        _ => spec,
    }
}

/// How the time axis is described: the time column, or the two date columns
/// and the unit.
pub fn time_description(span: &TimeSpan) -> String {
    match (&span.time, &span.time_from, &span.time_to) {
        (Some(time), _, _) => time.clone(),
        (None, Some(from), Some(to)) => format!(
            "{} from {from} to {to}",
            span.time_unit.unwrap_or_default().name()
        ),
        _ => String::new(),
    }
}

/// Refuses --dpi unless the figure is a .png: only a bitmap has a
/// resolution, and refusing beats ignoring.
pub fn check_dpi(plot: Option<&std::path::Path>, dpi: Option<f64>) -> Result<(), CliError> {
    use surv_render::plot::ImageFormat;
    if let (Some(path), Some(_)) = (plot, dpi)
        && ImageFormat::from_path(path).ok() != Some(ImageFormat::Png)
    {
        return Err(CliError::Flag {
            flag: "--dpi",
            message: format!(
                "sets the resolution of a .png figure, and {} is not one",
                path.display()
            ),
        });
    }
    Ok(())
}

/// The text layout the flags ask for, if they ask for one: the delimiter
/// given (or the extension's), with or without decimal commas.
pub fn layout(source: &Source) -> Option<TextLayout> {
    if source.delimiter.is_none() && !source.decimal_comma {
        return None;
    }
    let by_extension = Format::from_path(&source.file)
        .and_then(Format::text_layout)
        .map_or(b',', |l| l.delimiter);
    Some(TextLayout {
        delimiter: source.delimiter.unwrap_or(by_extension),
        decimal_comma: source.decimal_comma,
    })
}

/// How the flags ask the file to be read: its text layout, its sheet.
pub fn options(source: &Source) -> ReadOptions {
    ReadOptions {
        layout: layout(source),
        // As typed: the reader takes a number no sheet is named as a position.
        sheet: source.sheet.clone().map(Sheet::Name),
    }
}

/// Reads the file, leaving the warning about rows left out to the caller.
pub fn read_quietly(input: &Input, spec: &ColumnSpec) -> Result<SurvivalTable, CliError> {
    Ok(SurvivalTable::read_as(
        &input.source.file,
        &options(&input.source),
        spec,
    )?)
}

/// Reads `spec`'s columns of the source's file; says on standard error how
/// many rows were left out.
pub fn read_source(source: &Source, spec: &ColumnSpec) -> Result<SurvivalTable, CliError> {
    let table = SurvivalTable::read_as(&source.file, &options(source), spec)?;
    warn_dropped(&table);
    Ok(table)
}

fn warn_dropped(table: &SurvivalTable) {
    if table.n_dropped > 0 {
        warn(&format!(
            "{}: {} of {} rows left out for a missing value in a used column",
            table.source, table.n_dropped, table.n_read
        ));
    }
}

/// Reads the file; says on standard error how many rows were left out.
pub fn read(input: &Input, spec: &ColumnSpec) -> Result<SurvivalTable, CliError> {
    let table = read_quietly(input, spec)?;
    warn_dropped(&table);
    Ok(table)
}

/// A warning on standard error.
pub fn warn(message: &str) {
    eprintln!("npcsurv: warning: {message}");
}

/// Writes the result to standard output. A closed pipe (`| head`) is not an
/// error of ours.
pub fn print(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::Write {
            path: "standard output".to_owned(),
            reason: e.to_string(),
        }),
    }
}
