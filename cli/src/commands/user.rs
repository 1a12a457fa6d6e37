//! `elicence user add|list|disable|reset-totp|unlock`: console accounts in
//! the issuer database (for the operator; agency admins use the console).

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use elicence_issuer::admin;
use elicence_issuer::console::accounts::{self, NewAccount, Role};
use elicence_issuer::console::totp;
use elicence_issuer::crypto::MasterKey;
use zeroize::Zeroizing;

use super::serve::{issuer_error, open_db};
use crate::error::CliError;

/// Console account administration.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; its TOTP key (roles other than viewer) is printed once, on stdout.
    Add(AddArgs),
    /// List accounts (all, or one agency's).
    List(ListArgs),
    /// Disable an account: it cannot sign in, its sessions end.
    Disable(NameArgs),
    /// Give an account a new TOTP key (printed once), e.g. after a lost phone.
    ResetTotp(NameArgs),
    /// Clear an account's failed sign-ins and lock.
    Unlock(NameArgs),
}

/// `elicence user add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// The service configuration.
    #[arg(long, value_name = "FILE")]
    pub config: PathBuf,
    /// The agency the account acts for.
    #[arg(long)]
    pub agency: String,
    /// Role: admin, issuer, revoker or viewer.
    #[arg(long)]
    pub role: String,
    /// The person's name as shown (any script).
    #[arg(long)]
    pub name: String,
    /// Read the first password from the first line of standard input
    /// (otherwise from the ELICENCE_USER_PASSWORD environment variable).
    #[arg(long)]
    pub password_stdin: bool,
    /// Sign-in name (a-z 0-9 . _ -), unique in the service.
    pub username: String,
}

/// `elicence user list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// The service configuration.
    #[arg(long, value_name = "FILE")]
    pub config: PathBuf,
    /// Only this agency's accounts.
    #[arg(long)]
    pub agency: Option<String>,
    /// JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// An account named on the command line.
#[derive(Debug, Args)]
pub struct NameArgs {
    /// The service configuration.
    #[arg(long, value_name = "FILE")]
    pub config: PathBuf,
    /// The sign-in name.
    pub username: String,
}

fn read_password(from_stdin: bool) -> Result<Zeroizing<String>, CliError> {
    if from_stdin {
        let mut line = Zeroizing::new(String::new());
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| CliError::Usage(format!("cannot read the password from stdin: {e}")))?;
        return Ok(Zeroizing::new(
            line.trim_end_matches(['\r', '\n']).to_string(),
        ));
    }
    std::env::var("ELICENCE_USER_PASSWORD")
        .map(Zeroizing::new)
        .map_err(|_| {
            CliError::Usage(
                "give the first password with --password-stdin or ELICENCE_USER_PASSWORD".into(),
            )
        })
}

fn print_totp(agency: &str, username: &str, secret: &[u8]) {
    eprintln!("TOTP key (shown once; add it to the person's authenticator app):");
    println!("{}", totp::secret_base32(secret));
    println!(
        "{}",
        totp::otpauth_uri(&format!("elicence {agency}"), username, secret)
    );
}

/// Runs a user command.
pub fn run(c: &UserCommand) -> Result<ExitCode, CliError> {
    let actor = admin::admin_actor();
    match c {
        UserCommand::Add(a) => {
            let role: Role = a.role.parse().map_err(issuer_error)?;
            let password = read_password(a.password_stdin)?;
            let (config, conn) = open_db(&a.config)?;
            let master = MasterKey::load(&config.master_key).map_err(issuer_error)?;
            let created = accounts::add_account(
                &conn,
                &master,
                &NewAccount {
                    agency: &a.agency,
                    username: &a.username,
                    display_name: &a.name,
                    role,
                    password: &password,
                },
                &actor,
            )
            .map_err(issuer_error)?;
            eprintln!(
                "created {} ({}) for agency {}",
                created.account.username, role, created.account.agency
            );
            if let Some(secret) = &created.totp_secret {
                print_totp(&a.agency, &a.username, secret);
            }
        }
        UserCommand::List(a) => {
            let (_, conn) = open_db(&a.config)?;
            let list = accounts::list_accounts(&conn, a.agency.as_deref()).map_err(issuer_error)?;
            if a.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&list)
                        .map_err(|e| CliError::Usage(e.to_string()))?
                );
            } else {
                let now = time::OffsetDateTime::now_utc().unix_timestamp();
                for u in &list {
                    let state = if u.disabled {
                        "disabled"
                    } else if u.locked_until > now {
                        "locked"
                    } else {
                        "active"
                    };
                    println!(
                        "{}\t{}\t{}\t{}\t{}",
                        u.agency, u.username, u.role, state, u.display_name
                    );
                }
            }
        }
        UserCommand::Disable(a) => {
            let (_, conn) = open_db(&a.config)?;
            accounts::disable_account(&conn, None, &a.username, &actor).map_err(issuer_error)?;
            eprintln!("disabled {}", a.username);
        }
        UserCommand::ResetTotp(a) => {
            let (config, conn) = open_db(&a.config)?;
            let master = MasterKey::load(&config.master_key).map_err(issuer_error)?;
            let account = accounts::account_by_username(&conn, &a.username)
                .map_err(issuer_error)?
                .ok_or_else(|| CliError::Usage(format!("no console account `{}`", a.username)))?;
            let secret = accounts::reset_totp(&conn, &master, None, &a.username, &actor)
                .map_err(issuer_error)?;
            print_totp(&account.agency, &a.username, &secret);
        }
        UserCommand::Unlock(a) => {
            let (_, conn) = open_db(&a.config)?;
            accounts::unlock(&conn, None, &a.username, &actor).map_err(issuer_error)?;
            eprintln!("unlocked {}", a.username);
        }
    }
    Ok(ExitCode::SUCCESS)
}
