//! A cohort's baseline characteristics, overall and by group, with a test of
//! each variable across the groups: the numbers of a paper's Table 1, as R's
//! gtsummary computes them with `tbl_summary(by = ) |> add_p()` and its
//! defaults.
//!
//! - A categorical variable gives n and percent per level; the percent is of
//!   the subjects whose value is known. Its test is Pearson's χ² without
//!   continuity correction, or Fisher's exact test when any expected count is
//!   below 5.
//! - A continuous variable gives the median, the quartiles (R's `quantile`
//!   type 2, gtsummary's choice) and the range. Its test is the Wilcoxon
//!   rank-sum test for two groups and Kruskal-Wallis for more.
//! - Missing values are counted per variable and group and left out of that
//!   variable only.
//!
//! ```
//! use surv_engine::baseline::{describe, BaselineConfig, Column, TestKind, Variable};
//!
//! let arm = [0, 0, 0, 0, 1, 1, 1, 1];
//! let sex = [Some(0), Some(1), Some(0), None, Some(1), Some(1), Some(1), Some(0)];
//! let age = [Some(61.0), Some(70.0), Some(45.0), Some(52.0), Some(66.0), None, Some(59.0), Some(73.0)];
//! let variables = [
//!     Variable { column: Column::Categorical { n_levels: 2, codes: &sex } },
//!     Variable { column: Column::Continuous { values: &age } },
//! ];
//! let table = describe(&variables, Some((&arm, 2)), &BaselineConfig::default())?;
//! assert_eq!(table.n_by_group, [4, 4]);
//! assert_eq!(table.variables[0].missing.overall, 1);
//! assert_eq!(table.variables[0].test.as_ref().unwrap().kind, TestKind::Fisher);
//! assert_eq!(table.variables[1].test.as_ref().unwrap().kind, TestKind::Wilcoxon);
//! # Ok::<(), surv_engine::SurvivalError>(())
//! ```

use crate::contingency::{ContingencyTable, FisherConfig, FisherMethod};
use crate::error::SurvivalError;
use crate::rank::{kruskal_wallis, wilcoxon_rank_sum};

/// One variable's values, one per subject.
#[derive(Debug, Clone, Copy)]
pub enum Column<'a> {
    /// Level codes in `0..n_levels` (`None`: missing). Levels without
    /// subjects are kept, as a factor's levels are.
    Categorical {
        /// How many levels the variable has.
        n_levels: usize,
        /// Each subject's level.
        codes: &'a [Option<u32>],
    },
    /// Numbers (`None`: missing).
    Continuous {
        /// Each subject's value.
        values: &'a [Option<f64>],
    },
}

/// A variable of the table.
#[derive(Debug, Clone, Copy)]
pub struct Variable<'a> {
    /// Its values.
    pub column: Column<'a>,
}

/// How the tests are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BaselineConfig {
    /// Fisher's test, for categorical variables with a small expected count.
    pub fisher: FisherConfig,
}

/// The table: one summary per variable, in the order given.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct BaselineTable {
    /// Subjects.
    pub n: usize,
    /// Subjects per group (empty without groups).
    pub n_by_group: Vec<usize>,
    /// One per variable.
    pub variables: Vec<VariableSummary>,
}

/// Missing values of one variable.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Missing {
    /// Overall.
    pub overall: usize,
    /// Per group (empty without groups).
    pub by_group: Vec<usize>,
}

/// One variable, summarised.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct VariableSummary {
    /// Its missing values.
    pub missing: Missing,
    /// Its statistics.
    pub statistics: Statistics,
    /// The test across groups (`None` without groups).
    pub test: Option<GroupTest>,
}

/// The statistics of one variable.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Statistics {
    /// Counts per level, in level order.
    Categorical(Vec<LevelCount>),
    /// The spread, overall and per group.
    Continuous {
        /// Overall.
        overall: Spread,
        /// Per group (empty without groups).
        by_group: Vec<Spread>,
    },
}

/// Subjects at one level of a categorical variable.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct LevelCount {
    /// Overall.
    pub overall: usize,
    /// Percent of the subjects whose value is known (`None` when none is).
    pub percent_overall: Option<f64>,
    /// Per group.
    pub by_group: Vec<usize>,
    /// Percent of the group's subjects whose value is known.
    pub percent_by_group: Vec<Option<f64>>,
}

/// Median, quartiles and range of the known values; `None` when there are none.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Spread {
    /// Known values.
    pub n: usize,
    /// Median.
    pub median: Option<f64>,
    /// First quartile, R's `quantile(type = 2)`.
    pub q1: Option<f64>,
    /// Third quartile, R's `quantile(type = 2)`.
    pub q3: Option<f64>,
    /// Smallest value.
    pub min: Option<f64>,
    /// Largest value.
    pub max: Option<f64>,
}

/// Which test compared the groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum TestKind {
    /// Pearson's χ², no continuity correction.
    Chisq,
    /// Fisher's exact test.
    Fisher,
    /// Wilcoxon rank-sum.
    Wilcoxon,
    /// Kruskal-Wallis.
    Kruskal,
}

impl TestKind {
    /// The name used in output: `chisq`, `fisher`, `wilcoxon`, `kruskal`.
    pub fn name(self) -> &'static str {
        match self {
            TestKind::Chisq => "chisq",
            TestKind::Fisher => "fisher",
            TestKind::Wilcoxon => "wilcoxon",
            TestKind::Kruskal => "kruskal",
        }
    }
}

/// A test of one variable across the groups.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GroupTest {
    /// The test gtsummary's rule chose.
    pub kind: TestKind,
    /// The statistic (χ², W or H; `None` for Fisher or when undefined).
    pub statistic: Option<f64>,
    /// Degrees of freedom (χ² and Kruskal-Wallis).
    pub df: Option<usize>,
    /// The p-value; `None` when the data leave the test undefined.
    pub p_value: Option<f64>,
    /// Fisher's test only: exact, or estimated from random tables.
    pub fisher_method: Option<FisherMethod>,
    /// Wilcoxon only: whether the p-value is exact.
    pub exact: Option<bool>,
    /// Why the test is undefined, when it is.
    pub undefined: Option<String>,
}

impl GroupTest {
    /// A test the data leave undefined, and why.
    fn undefined(kind: TestKind, why: SurvivalError) -> GroupTest {
        GroupTest {
            kind,
            statistic: None,
            df: None,
            p_value: None,
            fisher_method: None,
            exact: None,
            undefined: Some(why.to_string()),
        }
    }
}

/// Summarises `variables` (each with one value per subject) overall and, with
/// `by = Some((codes, n_groups))`, per group, with a test per variable.
/// Every group code must be below `n_groups`.
pub fn describe(
    variables: &[Variable<'_>],
    by: Option<(&[u32], usize)>,
    config: &BaselineConfig,
) -> Result<BaselineTable, SurvivalError> {
    let n = match (variables.first(), by) {
        (_, Some((codes, _))) => codes.len(),
        (Some(v), None) => v.column.len(),
        (None, None) => return Err(SurvivalError::Empty),
    };
    let n_groups = by.map_or(0, |(_, k)| k);
    let groups: Vec<u32> = match by {
        Some((codes, k)) => {
            if let Some(&bad) = codes.iter().find(|&&g| g as usize >= k) {
                return Err(SurvivalError::InvalidParameter {
                    name: "group code",
                    value: f64::from(bad),
                    expected: "below the number of groups",
                });
            }
            codes.to_vec()
        }
        None => Vec::new(),
    };
    let mut n_by_group = vec![0; n_groups];
    for &g in &groups {
        n_by_group[g as usize] += 1;
    }
    let mut summaries = Vec::with_capacity(variables.len());
    for variable in variables {
        if variable.column.len() != n {
            return Err(SurvivalError::LengthMismatch {
                column: "variable",
                expected: n,
                found: variable.column.len(),
            });
        }
        let group_of = |i: usize| groups.get(i).map(|&g| g as usize);
        summaries.push(match variable.column {
            Column::Categorical { n_levels, codes } => {
                categorical(codes, n_levels, n_groups, group_of, config)?
            }
            Column::Continuous { values } => continuous(values, n_groups, group_of)?,
        });
    }
    Ok(BaselineTable {
        n,
        n_by_group,
        variables: summaries,
    })
}

impl Column<'_> {
    fn len(&self) -> usize {
        match self {
            Column::Categorical { codes, .. } => codes.len(),
            Column::Continuous { values } => values.len(),
        }
    }
}

fn percent(k: usize, of: usize) -> Option<f64> {
    (of > 0).then(|| 100.0 * k as f64 / of as f64)
}

fn categorical(
    codes: &[Option<u32>],
    n_levels: usize,
    n_groups: usize,
    group_of: impl Fn(usize) -> Option<usize>,
    config: &BaselineConfig,
) -> Result<VariableSummary, SurvivalError> {
    // counts[level][group], plus the overall column.
    let mut counts = vec![vec![0usize; n_groups]; n_levels];
    let mut overall = vec![0usize; n_levels];
    let mut missing = Missing {
        overall: 0,
        by_group: vec![0; n_groups],
    };
    for (i, code) in codes.iter().enumerate() {
        match code {
            Some(level) => {
                let level = *level as usize;
                if level >= n_levels {
                    return Err(SurvivalError::InvalidParameter {
                        name: "level code",
                        value: level as f64,
                        expected: "below the number of levels",
                    });
                }
                overall[level] += 1;
                if let Some(g) = group_of(i) {
                    counts[level][g] += 1;
                }
            }
            None => {
                missing.overall += 1;
                if let Some(g) = group_of(i) {
                    missing.by_group[g] += 1;
                }
            }
        }
    }
    let known: usize = overall.iter().sum();
    let known_by_group: Vec<usize> = (0..n_groups)
        .map(|g| counts.iter().map(|row| row[g]).sum())
        .collect();
    let levels = counts
        .iter()
        .zip(&overall)
        .map(|(row, &k)| LevelCount {
            overall: k,
            percent_overall: percent(k, known),
            by_group: row.clone(),
            percent_by_group: row
                .iter()
                .zip(&known_by_group)
                .map(|(&k, &of)| percent(k, of))
                .collect(),
        })
        .collect();
    let test = (n_groups > 0).then(|| {
        // The table R's `table(x, by)` gives: levels no subject has are not rows.
        let rows: Vec<&Vec<usize>> = counts
            .iter()
            .zip(&overall)
            .filter(|(_, k)| **k > 0)
            .map(|(row, _)| row)
            .collect();
        contingency_test(&rows, config)
    });
    Ok(VariableSummary {
        missing,
        statistics: Statistics::Categorical(levels),
        test,
    })
}

/// χ² when every expected count is at least 5, Fisher otherwise (gtsummary).
fn contingency_test(rows: &[&Vec<usize>], config: &BaselineConfig) -> GroupTest {
    let undefined = GroupTest::undefined;
    let counts: Vec<Vec<u64>> = rows
        .iter()
        .map(|row| row.iter().map(|&k| k as u64).collect())
        .collect();
    let table = match ContingencyTable::from_rows(&counts) {
        Ok(table) => table,
        Err(e) => return undefined(TestKind::Chisq, e),
    };
    if table.expected_min() >= 5.0 {
        match table.pearson() {
            Ok(t) => GroupTest {
                kind: TestKind::Chisq,
                statistic: Some(t.statistic),
                df: Some(t.df),
                p_value: Some(t.p_value),
                fisher_method: None,
                exact: None,
                undefined: None,
            },
            Err(e) => undefined(TestKind::Chisq, e),
        }
    } else {
        match table.fisher(&config.fisher) {
            Ok(t) => GroupTest {
                kind: TestKind::Fisher,
                statistic: None,
                df: None,
                p_value: Some(t.p_value),
                fisher_method: Some(t.method),
                exact: None,
                undefined: None,
            },
            Err(e) => undefined(TestKind::Fisher, e),
        }
    }
}

fn continuous(
    values: &[Option<f64>],
    n_groups: usize,
    group_of: impl Fn(usize) -> Option<usize>,
) -> Result<VariableSummary, SurvivalError> {
    let mut missing = Missing {
        overall: 0,
        by_group: vec![0; n_groups],
    };
    let mut all = Vec::with_capacity(values.len());
    let mut by_group: Vec<Vec<f64>> = vec![Vec::new(); n_groups];
    let mut known_groups = Vec::new();
    for (i, value) in values.iter().enumerate() {
        match value {
            Some(x) if !x.is_finite() => {
                return Err(SurvivalError::InvalidObservation {
                    index: i,
                    value: *x,
                });
            }
            Some(x) => {
                all.push(*x);
                if let Some(g) = group_of(i) {
                    by_group[g].push(*x);
                    known_groups.push(g as u32);
                }
            }
            None => {
                missing.overall += 1;
                if let Some(g) = group_of(i) {
                    missing.by_group[g] += 1;
                }
            }
        }
    }
    let test = (n_groups > 0).then(|| {
        let kind = if n_groups == 2 {
            TestKind::Wilcoxon
        } else {
            TestKind::Kruskal
        };
        let result = if n_groups == 2 {
            wilcoxon_rank_sum(&by_group[0], &by_group[1])
                .map(|t| (Some(t.statistic), None, t.p_value, Some(t.exact)))
        } else {
            let known: Vec<f64> = values.iter().flatten().copied().collect();
            kruskal_wallis(&known, &known_groups)
                .map(|t| (Some(t.statistic), Some(t.df), t.p_value, None))
        };
        match result {
            Ok((statistic, df, p_value, exact)) => GroupTest {
                kind,
                statistic,
                df,
                p_value: Some(p_value),
                fisher_method: None,
                exact,
                undefined: None,
            },
            Err(e) => GroupTest::undefined(kind, e),
        }
    });
    let overall = spread(&mut all);
    let by_group = by_group.iter_mut().map(|v| spread(v)).collect();
    Ok(VariableSummary {
        missing,
        statistics: Statistics::Continuous { overall, by_group },
        test,
    })
}

/// The spread of `values` (sorted in place).
fn spread(values: &mut [f64]) -> Spread {
    values.sort_unstable_by(f64::total_cmp);
    Spread {
        n: values.len(),
        median: quantile_type_2(values, 0.5),
        q1: quantile_type_2(values, 0.25),
        q3: quantile_type_2(values, 0.75),
        min: values.first().copied(),
        max: values.last().copied(),
    }
}

/// R's `quantile(x, p, type = 2)` of sorted values: the inverse of the
/// empirical distribution, averaging at the jumps. With n·p = j exactly, the
/// mean of the j-th and (j+1)-th values; otherwise the (⌊n·p⌋+1)-th. The
/// probabilities asked for here (¼, ½, ¾) make n·p exact in floating point.
fn quantile_type_2(sorted: &[f64], p: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let np = n as f64 * p;
    let j = np.floor() as usize;
    let at = |k: usize| sorted[k.clamp(1, n) - 1];
    Some(if np > j as f64 {
        at(j + 1)
    } else {
        (at(j) + at(j + 1)) / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_2_quantiles_average_at_the_jumps() {
        let x = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile_type_2(&x, 0.25), Some(1.5));
        assert_eq!(quantile_type_2(&x, 0.5), Some(2.5));
        assert_eq!(quantile_type_2(&x, 0.75), Some(3.5));
        let y = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile_type_2(&y, 0.25), Some(2.0));
        assert_eq!(quantile_type_2(&y, 0.5), Some(3.0));
        assert_eq!(quantile_type_2(&[7.0], 0.25), Some(7.0));
        assert_eq!(quantile_type_2(&[], 0.5), None);
    }

    #[test]
    fn a_variable_known_in_one_group_only_has_an_undefined_test() {
        let by = [0, 0, 1, 1];
        let values = [Some(1.0), Some(2.0), None, None];
        let variables = [Variable {
            column: Column::Continuous { values: &values },
        }];
        let table = describe(&variables, Some((&by, 2)), &BaselineConfig::default()).unwrap();
        let test = table.variables[0].test.as_ref().unwrap();
        assert_eq!(test.p_value, None);
        assert!(test.undefined.is_some());
        assert_eq!(table.variables[0].missing.by_group, [0, 2]);
    }
}
