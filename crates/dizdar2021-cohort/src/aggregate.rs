//! Facts the paper states only in aggregate, which no patient row carries
//! (how many were referred, how many staged by PET-CT, …), each kept with the
//! sentence it comes from so a reader can check it.

use serde::Deserialize;

/// One aggregate fact.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AggregateFact {
    /// A stable identifier, e.g. `referred`.
    pub id: String,
    /// The number the paper states.
    pub value: f64,
    /// What the number counts or measures, e.g. `patients`.
    pub unit: String,
    /// A short description in our words.
    pub description: String,
    /// The paper's sentence, verbatim.
    pub quote: String,
    /// Where the sentence stands (e.g. `Materials and Methods`).
    pub section: String,
}

/// All aggregate facts of a paper.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AggregateFacts {
    /// The facts, in the order of the file.
    #[serde(rename = "fact")]
    pub facts: Vec<AggregateFact>,
}

/// Why an aggregate-facts file could not be read.
#[derive(Debug)]
pub struct AggregateError {
    /// The file.
    pub path: String,
    /// What the TOML reader said (it names line and column).
    pub reason: String,
}

impl std::fmt::Display for AggregateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.reason.trim_end())
    }
}

impl std::error::Error for AggregateError {}

impl AggregateFacts {
    /// Parses the TOML form (`[[fact]]` tables); `path` is how errors refer to it.
    pub fn from_toml(path: &str, text: &str) -> Result<AggregateFacts, AggregateError> {
        let facts: AggregateFacts = toml::from_str(text).map_err(|e| AggregateError {
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
        let mut seen = std::collections::HashSet::new();
        for fact in &facts.facts {
            if !seen.insert(fact.id.as_str()) {
                return Err(AggregateError {
                    path: path.to_owned(),
                    reason: format!("fact id `{}` appears twice; expected each id once", fact.id),
                });
            }
        }
        Ok(facts)
    }

    /// The fact with this id.
    pub fn get(&self, id: &str) -> Option<&AggregateFact> {
        self.facts.iter().find(|f| f.id == id)
    }
}
