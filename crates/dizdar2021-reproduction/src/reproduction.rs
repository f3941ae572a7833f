//! The whole reproduction: every artefact built in memory from the embedded
//! fixtures, then written to a directory.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use dizdar2021_cohort::{AggregateFacts, Cohort, CohortSummary, dizdar2021};

use crate::claims::{self, Claim, Context, LedgerEntry, Verdict};
use crate::error::ReportError;
use surv_render::plot::{self, FigureData, ImageFormat};

use crate::figure;
use crate::overlap::{self, Overlap};
use crate::survival_summary::{self, SurvivalSummary};
use crate::table1::{self, Table1Row};
use crate::univariate::{self, FactorResult};
use crate::{factors, render, table2};

/// How many claims got each verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerdictCounts {
    /// Recomputed from the rows as printed.
    pub reproduced: usize,
    /// Contradicted by the rows.
    pub discrepant: usize,
    /// No row carries it; the other stated numbers agree.
    pub consistent: usize,
    /// No row carries it; the other stated numbers disagree.
    pub inconsistent: usize,
    /// Cannot be checked.
    pub aggregate_only: usize,
}

/// Every result of the reproduction.
pub struct Reproduction {
    /// The 35 patients.
    pub cohort: Cohort,
    /// Their Table 1 summary.
    pub summary: CohortSummary,
    /// Table 1 beside the printed values.
    pub table1: Vec<Table1Row>,
    /// Overall survival.
    pub survival: SurvivalSummary,
    /// The univariate analysis, one entry per factor.
    pub univariate: Vec<FactorResult>,
    /// The claims of the paper.
    pub claims: Vec<Claim>,
    /// Their verdicts.
    pub ledger: Vec<LedgerEntry>,
    /// The numbers behind Figure 1.
    pub figure: FigureData,
    /// Factors that split the patients almost identically.
    pub overlaps: Vec<Overlap>,
}

impl Reproduction {
    /// Builds everything from the embedded fixtures.
    pub fn build() -> Result<Reproduction, ReportError> {
        let cohort = dizdar2021::cohort().map_err(ReportError::Cohort)?;
        let aggregates: AggregateFacts =
            dizdar2021::aggregate_facts().map_err(ReportError::Aggregates)?;
        let claims = claims::parse(claims::CLAIMS_TOML).map_err(ReportError::Claims)?;
        let summary = cohort.summary().map_err(ReportError::Survival)?;
        let survival = survival_summary::summarise(&cohort)?;
        let factors = factors::all();
        let univariate = univariate::analyse_all(&cohort, &factors)?;
        let overlaps = overlap::find(&cohort, &factors)?;
        let by_id: BTreeMap<String, FactorResult> = univariate
            .iter()
            .map(|f| (f.id.clone(), f.clone()))
            .collect();
        let cx = Context {
            cohort: &cohort,
            survival: &survival,
            factors: &by_id,
            aggregates: &aggregates,
        };
        let ledger = claims::ledger(&claims, &cx).map_err(ReportError::Claims)?;
        let table1 = table1::rows(&summary, &claims, &aggregates);
        let figure = figure::data(&survival).map_err(ReportError::Figure)?;
        Ok(Reproduction {
            cohort,
            summary,
            table1,
            survival,
            univariate,
            claims,
            ledger,
            figure,
            overlaps,
        })
    }

    /// How many claims got each verdict.
    pub fn verdict_counts(&self) -> VerdictCounts {
        let count = |v: Verdict| self.ledger.iter().filter(|e| e.verdict == v).count();
        VerdictCounts {
            reproduced: count(Verdict::Reproduced),
            discrepant: count(Verdict::Discrepant),
            consistent: count(Verdict::Consistent),
            inconsistent: count(Verdict::Inconsistent),
            aggregate_only: count(Verdict::AggregateOnly),
        }
    }

    /// The files of the reproduction: (file name, contents).
    pub fn files(&self) -> Result<Vec<(&'static str, String)>, ReportError> {
        let json = |v: &dyn erased::Json| v.pretty();
        let svg = figure::svg(&self.survival, &self.figure).map_err(ReportError::Figure)?;
        Ok(vec![
            ("table1.md", table1::markdown(&self.summary, &self.table1)),
            ("table1.csv", table1::csv(&self.table1)),
            ("table2.md", table2::markdown(&self.cohort)),
            ("table2.csv", table2::csv(&self.cohort)),
            ("figure1.svg", svg),
            ("figure1.json", json(&self.figure)),
            ("survival.md", render::survival_markdown(&self.survival)),
            (
                "survival.json",
                json(&render::survival_json(&self.survival)),
            ),
            (
                "univariate.md",
                render::univariate_markdown(&self.univariate),
            ),
            ("univariate.json", json(&self.univariate)),
            ("overlaps.json", json(&self.overlaps)),
            ("ledger.md", claims::markdown(&self.ledger)),
            ("ledger.json", json(&self.ledger)),
            ("REPRODUCTION.md", self.report()),
        ])
    }

    /// Figure 1 as a 300 dpi PNG and as a PDF, rendered from the SVG of
    /// [`Reproduction::files`]: (file name, bytes).
    pub fn images(&self) -> Result<Vec<(&'static str, Vec<u8>)>, ReportError> {
        let svg = figure::svg(&self.survival, &self.figure).map_err(ReportError::Figure)?;
        let encode =
            |format| plot::encode(&svg, format, plot::DEFAULT_DPI).map_err(ReportError::Figure);
        Ok(vec![
            ("figure1.png", encode(ImageFormat::Png)?),
            ("figure1.pdf", encode(ImageFormat::Pdf)?),
        ])
    }

    /// Writes every file into `dir` (created if needed).
    pub fn write_to(&self, dir: &Path) -> Result<Vec<String>, ReportError> {
        let io = |path: &Path, source| ReportError::Io {
            path: path.display().to_string(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        let mut written = Vec::new();
        let text = self
            .files()?
            .into_iter()
            .map(|(name, contents)| (name, contents.into_bytes()));
        for (name, contents) in text.chain(self.images()?) {
            let path = dir.join(name);
            std::fs::write(&path, contents).map_err(|e| io(&path, e))?;
            written.push(name.to_owned());
        }
        Ok(written)
    }

    /// A few lines for the terminal.
    pub fn terminal_summary(&self) -> String {
        let c = self.verdict_counts();
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Dizdar et al. 2021, reproduced from {} patient rows: {} claims, {} reproduced, {} discrepant, \
             {} consistent and {} inconsistent with the other stated numbers, {} that cannot be checked.",
            self.cohort.len(),
            self.ledger.len(),
            c.reproduced,
            c.discrepant,
            c.consistent,
            c.inconsistent,
            c.aggregate_only
        );
        let percent =
            |x: Option<f64>| x.map_or_else(|| "NA".to_owned(), |v| format!("{:.1}", 100.0 * v));
        for a in &self.survival.landmarks {
            let _ = writeln!(
                out,
                "{:.0}-year OS {} % (95 % CI {}-{} %); the paper reports {}.",
                a.time / 12.0,
                percent(a.survival),
                percent(a.lower),
                percent(a.upper),
                if a.time == 24.0 { "51 %" } else { "34 %" }
            );
        }
        for e in self
            .ledger
            .iter()
            .filter(|e| e.verdict == Verdict::Discrepant)
        {
            let _ = writeln!(out, "  discrepant: {} — {}", e.id, e.note);
        }
        out.push_str(&crate::beyond::summary(&self.univariate, &self.overlaps));
        out
    }

    /// REPRODUCTION.md: one readable report tying the artefacts together.
    pub fn report(&self) -> String {
        let c = self.verdict_counts();
        let mut out = String::from(
            "# Reproduction of Dizdar, Özkaya Toraman and Altun (Turk J Oncol 2021)\n\n\
             *Locoregional Treatment for De Novo Metastatic Nasopharyngeal Carcinoma*, recomputed from the \
             35 patient rows of its Table 2 by `cargo xtask reproduce`. Survival estimates use the \
             `surv-engine` engine, checked against R's `survival` package at a relative tolerance of 1e-9.\n\n",
        );
        let _ = writeln!(
            out,
            "## Verdict\n\nOf {} numbers the paper states, {} are reproduced from the rows and {} are \
             contradicted by them. Of those no row carries, {} agree with the other numbers the paper states \
             and {} do not; {} rest on nothing else the paper states and cannot be checked (see \
             [ledger.md](ledger.md)).\n",
            self.ledger.len(),
            c.reproduced,
            c.discrepant,
            c.consistent,
            c.inconsistent,
            c.aggregate_only
        );
        for e in self
            .ledger
            .iter()
            .filter(|e| e.verdict == Verdict::Discrepant)
        {
            let _ = writeln!(
                out,
                "- `{}`: \"{}\" — {}.",
                e.id,
                e.quote,
                e.note.trim_end_matches('.')
            );
        }
        out.push('\n');
        out.push_str(&crate::beyond::markdown(&self.univariate, &self.overlaps));
        out.push_str("\n## Figure 1\n\n![Figure 1: overall survival](figure1.svg)\n\n");
        out.push_str(&demote(&render::survival_markdown(&self.survival)));
        out.push('\n');
        out.push_str(&demote(&render::univariate_markdown(&self.univariate)));
        out.push('\n');
        out.push_str(&demote(&table1::markdown(&self.summary, &self.table1)));
        out.push_str("\nTable 2 is rendered back from the typed records in [table2.md](table2.md) and [table2.csv](table2.csv).\n");
        out
    }
}

/// Moves every Markdown heading one level down, to nest a document in the report.
fn demote(markdown: &str) -> String {
    markdown
        .lines()
        .map(|l| {
            if l.starts_with('#') {
                format!("#{l}")
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// Pretty JSON for anything serialisable, behind one object-safe trait.
mod erased {
    pub trait Json {
        fn pretty(&self) -> String;
    }

    impl<T: serde::Serialize> Json for T {
        fn pretty(&self) -> String {
            serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
                + "\n"
        }
    }
}
