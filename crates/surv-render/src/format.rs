//! The output formats, and the helpers every format shares.

/// An output format.
///
/// ```
/// use surv_render::OutputFormat;
/// assert_eq!("csv".parse::<OutputFormat>(), Ok(OutputFormat::Csv));
/// assert!("xml".parse::<OutputFormat>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// Aligned, human-readable tables (the default).
    #[default]
    Table,
    /// One JSON document.
    Json,
    /// One tidy CSV table; a `kind` column says what each row is.
    Csv,
}

impl std::str::FromStr for OutputFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "table" => Ok(OutputFormat::Table),
            "json" => Ok(OutputFormat::Json),
            "csv" => Ok(OutputFormat::Csv),
            other => Err(format!("`{other}`; expected table, json or csv")),
        }
    }
}

/// Pretty JSON of a value, with a final newline.
pub(crate) fn json<T: serde::Serialize>(value: &T) -> String {
    // The values rendered here are plain structs of numbers and text, which
    // serde_json always serialises.
    serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}")) + "\n"
}
