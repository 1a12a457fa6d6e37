//! `elicence wallet`: a business's wallet on the command line. `receive`
//! takes a licence from an agency over OpenID4VCI (docs/wallets.md), `list`
//! and `show` read what the wallet holds.

use std::io::{IsTerminal, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use elicence_wallet::receive::{needs_pin, resolve_offer};
use elicence_wallet::store::default_dir;
use elicence_wallet::{receive, ReceiveOptions, StoredCredential, Wallet, WalletError};
use serde_json::json;

use crate::cli::PassphraseArgs;
use crate::error::CliError;
use crate::passphrase;

/// The wallet's commands.
#[derive(Debug, Subcommand)]
pub enum WalletCommand {
    /// Receive a licence from an agency's credential offer (OpenID4VCI, pre-authorized code).
    Receive(ReceiveArgs),
    /// List the credentials in the wallet.
    List(ListArgs),
    /// Show one credential of the wallet (its disclosed claims and the raw credential).
    Show(ShowArgs),
    /// Answer a verifier's OpenID4VP request (`openid4vp://…`) with the claims it asks for.
    Present(super::rp::WalletPresentArgs),
}

/// Which wallet directory.
#[derive(Debug, Args)]
pub struct WalletDirArgs {
    /// The wallet directory (default: $ELICENCE_WALLET, else the user's data
    /// dir, e.g. ~/.local/share/elicence/wallet).
    #[arg(long, value_name = "DIR")]
    pub wallet: Option<PathBuf>,
}

/// `elicence wallet receive`.
#[derive(Debug, Args)]
pub struct ReceiveArgs {
    /// The offer: the `openid-credential-offer://` URI or the offer URL.
    #[arg(value_name = "OFFER")]
    pub offer: String,
    /// The PIN the agency sent by another channel (asked for when needed and not given).
    #[arg(long, value_name = "PIN")]
    pub pin: Option<String>,
    /// Instances of each credential, each bound to its own key (unlinkable presentations).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=10))]
    pub batch: u8,
    /// Only this credential configuration (repeatable; default: every one offered).
    #[arg(long, value_name = "ID")]
    pub only: Vec<String>,
    #[command(flatten)]
    pub dir: WalletDirArgs,
    /// Passphrase sealing the holder keys (else $ELICENCE_PASSPHRASE, else a prompt).
    #[command(flatten)]
    pub pass: PassphraseArgs,
    /// Print what was stored as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `elicence wallet list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub dir: WalletDirArgs,
    /// As JSON (an array of {id, format, type, issuer, configuration_id, received_at}).
    #[arg(long)]
    pub json: bool,
}

/// `elicence wallet show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The credential's id (from `elicence wallet list`).
    #[arg(value_name = "ID")]
    pub id: String,
    #[command(flatten)]
    pub dir: WalletDirArgs,
    /// Print only the raw credential (to pipe into `elicence verify -`).
    #[arg(long)]
    pub raw: bool,
}

impl From<WalletError> for CliError {
    fn from(e: WalletError) -> CliError {
        CliError::Usage(format!("wallet: {e}"))
    }
}

/// Opens the wallet directory `--wallet` names, else the default one.
pub(super) fn open(dir: &WalletDirArgs) -> Result<Wallet, CliError> {
    let path = match &dir.wallet {
        Some(p) => p.clone(),
        None => default_dir().ok_or_else(|| {
            CliError::Usage("no wallet directory: give --wallet DIR or set ELICENCE_WALLET".into())
        })?,
    };
    Ok(Wallet::open(path)?)
}

/// Runs a wallet command.
pub fn run(command: &WalletCommand) -> Result<ExitCode, CliError> {
    match command {
        WalletCommand::Receive(a) => receive_command(a),
        WalletCommand::List(a) => list(a),
        WalletCommand::Show(a) => show(a),
        WalletCommand::Present(a) => super::rp::present(a),
    }
}

fn summary(c: &StoredCredential) -> serde_json::Value {
    json!({
        "id": c.id,
        "format": c.format.name(),
        "type": c.credential_type,
        "issuer": c.issuer,
        "configuration_id": c.configuration_id,
        "received_at": c.received_at,
    })
}

fn receive_command(a: &ReceiveArgs) -> Result<ExitCode, CliError> {
    let wallet = open(&a.dir)?;
    let offer = resolve_offer(&a.offer)?;
    let pin = match (&a.pin, needs_pin(&offer)) {
        (Some(p), _) => Some(p.clone()),
        (None, false) => None,
        (None, true) if std::io::stdin().is_terminal() => Some(
            rpassword::prompt_password("PIN from the agency: ")
                .map_err(|e| CliError::io("terminal", e))?
                .trim()
                .to_owned(),
        ),
        (None, true) => {
            return Err(CliError::Usage(
                "this offer needs the PIN the agency sent you: give --pin".into(),
            ))
        }
    };
    let secret = passphrase::obtain(
        a.pass.passphrase_file.as_deref(),
        "encrypt the wallet's holder keys",
    )?;
    let options = ReceiveOptions {
        pin,
        batch: usize::from(a.batch),
        only: a.only.clone(),
    };
    let stored = receive(&wallet, &offer, &options, &secret)?;
    let mut out = std::io::stdout().lock();
    if a.json {
        let all: Vec<_> = stored.iter().map(summary).collect();
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&all).unwrap_or_default()
        );
    } else {
        for c in &stored {
            let _ = writeln!(
                out,
                "received {}  {}  {}",
                c.id,
                c.format.name(),
                c.credential_type
            );
        }
        let _ = writeln!(out, "into {}", wallet.dir().display());
    }
    Ok(ExitCode::SUCCESS)
}

fn list(a: &ListArgs) -> Result<ExitCode, CliError> {
    let wallet = open(&a.dir)?;
    let all = wallet.list()?;
    let mut out = std::io::stdout().lock();
    if a.json {
        let all: Vec<_> = all.iter().map(summary).collect();
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&all).unwrap_or_default()
        );
    } else if all.is_empty() {
        let _ = writeln!(out, "the wallet at {} is empty", wallet.dir().display());
    } else {
        for c in &all {
            let _ = writeln!(
                out,
                "{}  {:<9}  {}  {}  from {}",
                c.id,
                c.format.name(),
                c.received_at,
                c.credential_type,
                c.issuer
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn show(a: &ShowArgs) -> Result<ExitCode, CliError> {
    let wallet = open(&a.dir)?;
    let c = wallet.get(&a.id)?;
    let mut out = std::io::stdout().lock();
    if a.raw {
        let _ = writeln!(out, "{}", c.raw());
        return Ok(ExitCode::SUCCESS);
    }
    let mut view = summary(&c);
    if let Some(text) = c.credential.as_str() {
        // The issuer's claims as this wallet holds them (every disclosure);
        // `elicence verify` checks the signature.
        if let Ok(inspected) = elicence_sd_jwt::verify::inspect(text) {
            view["claims"] = serde_json::Value::Object(inspected.processed.claims);
        }
    } else {
        view["credential"] = c.credential.clone();
    }
    let _ = writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(&view).unwrap_or_default()
    );
    Ok(ExitCode::SUCCESS)
}
