//! `npcsurv power`: Schoenfeld's power of the log-rank test, and the smallest
//! hazard ratio a number of events can detect.

use std::fmt::Write;

use surv_engine::{PowerConfig, minimal_detectable_hazard_ratio, power};

use crate::args::PowerArgs;
use crate::error::CliError;
use crate::input;

pub fn run(args: PowerArgs) -> Result<(), CliError> {
    let config = PowerConfig {
        allocation: args.allocation,
        alpha: args.alpha,
    };
    let analysis = CliError::analysis("power");
    let mut out = String::new();
    let (events, allocation, alpha) = (args.events, args.allocation, args.alpha);
    if let Some(hr) = args.hr {
        let p = power(hr, events, &config).map_err(&analysis)?;
        let _ = writeln!(
            out,
            "power to detect HR {hr} with {events} events (allocation {allocation}, alpha {alpha}): {p:.4}"
        );
    }
    if let Some(target) = args.power {
        let detectable =
            minimal_detectable_hazard_ratio(events, target, &config).map_err(&analysis)?;
        let _ = writeln!(
            out,
            "minimal detectable HR at {:.0} % power with {events} events: {detectable:.4} (or {:.4})",
            target * 100.0,
            1.0 / detectable
        );
    }
    input::print(&out)
}
