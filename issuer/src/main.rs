//! `elicence-issuer`: the issuer service binary.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use elicence_issuer::{server, Config};

/// The elicence issuer service.
#[derive(Debug, Parser)]
#[command(name = "elicence-issuer", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the service.
    Serve {
        /// The TOML configuration file.
        #[arg(long, value_name = "FILE")]
        config: PathBuf,
    },
    /// Write a fresh random master key (64 hex digits) for the configuration:
    /// to a new file created with mode 0600 (`--out`), or to stdout.
    GenMasterKey {
        /// The file to create (never overwritten).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve { config } => {
            server::init_logging();
            let result = Config::load(&config).and_then(server::run);
            match result {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::GenMasterKey { out: Some(path) } => {
            match elicence_issuer::crypto::write_master_key_file(&path) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::GenMasterKey { out: None } => {
            println!(
                "{}",
                elicence_issuer::crypto::MasterKey::generate_hex().as_str()
            );
            ExitCode::SUCCESS
        }
    }
}
