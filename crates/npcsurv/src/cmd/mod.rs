//! One module per subcommand, each with a `run`.

mod competing;
mod cox;
mod federated;
mod km;
mod logrank;
mod power;
mod reproduce;
mod table1;
mod univariate;

use crate::args::{Cli, Command, PoolCommand, SiteCommand};
use crate::error::CliError;

/// Runs the command of `cli`.
pub fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Km(args) => km::run(*args),
        Command::Logrank(args) => logrank::run(args),
        Command::Cox(args) => cox::run(args),
        Command::Cuminc(args) => competing::cuminc(*args),
        Command::Finegray(args) => competing::finegray(args),
        Command::Power(args) => power::run(args),
        Command::Table1(args) => table1::run(args),
        Command::Univariate(args) => univariate::run(*args),
        Command::Site(SiteCommand::Summary(args)) => federated::site_summary(*args),
        Command::Site(SiteCommand::Cox(args)) => federated::site_cox(*args),
        Command::Site(SiteCommand::Sql(args)) => federated::site_sql(args),
        Command::Pool(PoolCommand::Km(args)) => federated::pool_km(args),
        Command::Pool(PoolCommand::Logrank(args)) => federated::pool_logrank(args),
        Command::Pool(PoolCommand::Cox(args)) => federated::pool_cox(args),
        Command::Federate(args) => federated::federate(*args),
        Command::Reproduce(args) => reproduce::run(args),
    }
}
