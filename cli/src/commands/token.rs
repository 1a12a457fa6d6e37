//! `elicence token create|revoke`: API tokens in the issuer database.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use elicence_issuer::admin::{self, Scope};

use super::serve::{issuer_error, open_db};
use crate::error::CliError;

/// Token administration.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token for one agency; the secret is printed once, on stdout.
    Create(CreateArgs),
    /// Revoke a token by id; it stops working at once.
    Revoke(RevokeTokenArgs),
}

/// `elicence token create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The service configuration.
    #[arg(long, value_name = "FILE")]
    pub config: PathBuf,
    /// The agency the token acts for.
    #[arg(long)]
    pub agency: String,
    /// Scopes, comma-separated: issue, revoke, read, metrics.
    #[arg(long, value_delimiter = ',', required = true)]
    pub scope: Vec<String>,
    /// A label to recognise the token by.
    #[arg(long)]
    pub label: Option<String>,
}

/// `elicence token revoke`.
#[derive(Debug, Args)]
pub struct RevokeTokenArgs {
    /// The service configuration.
    #[arg(long, value_name = "FILE")]
    pub config: PathBuf,
    /// The token id (printed on stderr at creation).
    pub id: String,
}

/// Runs a token command.
pub fn run(c: &TokenCommand) -> Result<ExitCode, CliError> {
    match c {
        TokenCommand::Create(a) => {
            let scopes = a
                .scope
                .iter()
                .map(|s| s.parse::<Scope>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(issuer_error)?;
            let (_, conn) = open_db(&a.config)?;
            let t = admin::create_token(
                &conn,
                &a.agency,
                &scopes,
                a.label.as_deref(),
                &admin::admin_actor(),
            )
            .map_err(issuer_error)?;
            eprintln!(
                "token id: {} (keep the token secret; it is not stored)",
                t.id
            );
            println!("{}", t.token.as_str());
        }
        TokenCommand::Revoke(a) => {
            let (_, conn) = open_db(&a.config)?;
            admin::revoke_token(&conn, &a.id, &admin::admin_actor()).map_err(issuer_error)?;
            eprintln!("revoked token {}", a.id);
        }
    }
    Ok(ExitCode::SUCCESS)
}
