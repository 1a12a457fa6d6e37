//! `elicence`: the command line over elicence-core and elicence-verifier.
//!
//! Exit codes: 0 success (or a valid credential), 1 an invalid credential,
//! 2 a usage, input or I/O error.

mod cli;
mod commands;
mod error;
mod io;
mod passphrase;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match commands::run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
