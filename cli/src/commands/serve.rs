//! `elicence serve`: runs the issuer service in this process.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::error::CliError;

/// `elicence serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The service's TOML configuration (see docs/issuer.md).
    #[arg(long, value_name = "FILE")]
    pub config: PathBuf,
}

/// Loads the configuration and serves until Ctrl-C or SIGTERM.
pub fn serve(a: &ServeArgs) -> Result<ExitCode, CliError> {
    elicence_issuer::server::init_logging();
    let config = elicence_issuer::Config::load(&a.config).map_err(issuer_error)?;
    elicence_issuer::server::run(config).map_err(issuer_error)?;
    Ok(ExitCode::SUCCESS)
}

/// An issuer-library error as a CLI error (message kept, exit code 2).
pub fn issuer_error(e: elicence_issuer::IssuerError) -> CliError {
    CliError::Usage(e.to_string())
}

/// Opens the database named in a configuration file.
pub fn open_db(
    config: &std::path::Path,
) -> Result<(elicence_issuer::Config, elicence_issuer::store::Connection), CliError> {
    let config = elicence_issuer::Config::load(config).map_err(issuer_error)?;
    let conn =
        elicence_issuer::store::open(&config.database, config.durability).map_err(issuer_error)?;
    Ok((config, conn))
}
