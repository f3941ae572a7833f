//! `npcsurv table1`: Table 1 of a file in the paper's patient schema.

use dizdar2021_cohort::{AggregateFacts, Cohort};
use dizdar2021_reproduction::table1;

use crate::args::Table1Args;
use crate::error::CliError;
use crate::input;

pub fn run(args: Table1Args) -> Result<(), CliError> {
    let cohort = Cohort::load(&args.file)?;
    let summary = cohort.summary();
    let no_facts = AggregateFacts { facts: Vec::new() };
    let rows = table1::rows(&summary, &[], &no_facts);
    input::print(&table1::markdown(&summary, &rows))
}
