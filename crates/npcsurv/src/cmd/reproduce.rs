//! `npcsurv reproduce`: the paper's reproduction, from the data built into the
//! binary.

use dizdar2021_reproduction::Reproduction;

use crate::args::ReproduceArgs;
use crate::error::CliError;
use crate::input;

pub fn run(args: ReproduceArgs) -> Result<(), CliError> {
    let reproduction = Reproduction::build()?;
    let written = reproduction.write_to(&args.out)?;
    input::print(&format!(
        "{}Wrote {} files to {}\n",
        reproduction.terminal_summary(),
        written.len(),
        args.out.display()
    ))
}
