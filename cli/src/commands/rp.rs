//! `elicence rp serve`: an OpenID4VP relying party (a bank's verifier);
//! `elicence wallet present`: the business answers a verifier's request
//! from its credentials, after seeing exactly what goes to whom.

use std::io::{BufRead as _, IsTerminal as _, Read as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

use clap::{Args, Subcommand};
use elicence_relying_party::holder::{self, Candidate};
use elicence_relying_party::request::{parse_link, verify_request_object, MAX_REQUEST_OBJECT};
use elicence_relying_party::{client, RpConfig};
use elicence_wallet::Wallet;
use serde_json::Value;

use crate::cli::PassphraseArgs;
use crate::error::CliError;
use crate::passphrase;

/// The relying-party service.
#[derive(Debug, Subcommand)]
pub enum RpCommand {
    /// Run the relying party described by rp.toml (docs/relying-parties.md).
    Serve(RpServeArgs),
    /// Make a self-signed certificate for x509_san_dns (development: wallets must be told to trust it).
    Certificate(RpCertificateArgs),
}

/// `elicence rp certificate`.
#[derive(Debug, Args)]
pub struct RpCertificateArgs {
    /// The relying party's DNS name (client_id x509_san_dns:<name>).
    #[arg(long)]
    pub dns: String,
    /// Its request-signing key (P-256, PKCS#8 PEM: `elicence key generate --p256`).
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// Days of validity.
    #[arg(long, default_value_t = 365)]
    pub days: u64,
    /// Where to write the certificate (PEM).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    #[command(flatten)]
    pub pass: PassphraseArgs,
}

/// Runs `elicence rp certificate`.
pub fn certificate(args: &RpCertificateArgs) -> Result<ExitCode, CliError> {
    let key = super::load_key(&args.key, &args.pass)?;
    let pem = client::self_signed_certificate(&key, &args.dns, args.days)
        .map_err(|e| CliError::Usage(e.to_string()))?;
    std::fs::write(&args.out, pem).map_err(|e| CliError::io(&args.out, e))?;
    println!(
        "{}: self-signed certificate for {}",
        args.out.display(),
        args.dns
    );
    Ok(ExitCode::SUCCESS)
}

/// `elicence rp serve`.
#[derive(Debug, Args)]
pub struct RpServeArgs {
    /// The configuration: listen, public_url, database, bundle, root, client_id, signing_key, certificate.
    #[arg(long, value_name = "FILE")]
    pub config: PathBuf,
}

/// `elicence wallet present`.
#[derive(Debug, Args)]
pub struct WalletPresentArgs {
    /// The verifier's link, `openid4vp://?client_id=…&request_uri=…`.
    pub uri: String,
    /// A credential file instead of the wallet's: an SD-JWT VC (compact text)
    /// or a Data Integrity VC (JSON); repeatable, with --holder-key.
    #[arg(
        long,
        value_name = "FILE",
        requires = "holder_key",
        conflicts_with = "wallet"
    )]
    pub credential: Vec<PathBuf>,
    /// The private key (PKCS#8 PEM) the --credential files are bound to.
    #[arg(long, value_name = "FILE", requires = "credential")]
    pub holder_key: Option<PathBuf>,
    /// Without --credential: the wallet whose credentials are offered (each
    /// signed for with its own holder key, opened with the wallet passphrase).
    #[command(flatten)]
    pub dir: super::wallet::WalletDirArgs,
    /// Send without asking for confirmation.
    #[arg(long)]
    pub yes: bool,
    /// Certificates (PEM) of authorities vouching for verifiers; repeatable.
    #[arg(long, value_name = "FILE")]
    pub rp_ca: Vec<PathBuf>,
    #[command(flatten)]
    pub pass: PassphraseArgs,
}

/// Where the credentials on offer came from, and so where their holder keys are.
enum Holdings {
    /// `--credential` files, all bound to the one `--holder-key`.
    Files { holder_key: PathBuf },
    /// The wallet's credentials (by wallet id, in candidate order), each with its own key.
    Wallet { wallet: Wallet, ids: Vec<String> },
}

/// The candidates on offer, how each is named to the user, and where their keys are.
fn holdings(args: &WalletPresentArgs) -> Result<(Vec<Candidate>, Vec<String>, Holdings), CliError> {
    let mut candidates = Vec::new();
    let mut labels = Vec::new();
    if let Some(holder_key) = &args.holder_key {
        for path in &args.credential {
            let text = std::fs::read_to_string(path).map_err(|e| CliError::io(path, e))?;
            candidates.push(Candidate::detect(&text).ok_or_else(|| {
                CliError::Usage(format!(
                    "{}: neither an SD-JWT VC nor a JSON credential",
                    path.display()
                ))
            })?);
            labels.push(path.display().to_string());
        }
        return Ok((
            candidates,
            labels,
            Holdings::Files {
                holder_key: holder_key.clone(),
            },
        ));
    }
    let wallet = super::wallet::open(&args.dir)?;
    let mut ids = Vec::new();
    for stored in wallet.list()? {
        candidates.push(Candidate {
            format: stored.format.name().into(),
            raw: stored.raw(),
        });
        labels.push(format!(
            "wallet credential {} ({})",
            stored.id, stored.credential_type
        ));
        ids.push(stored.id);
    }
    if candidates.is_empty() {
        return Err(CliError::Usage(format!(
            "the wallet {} holds no credentials: receive one first (elicence wallet receive)",
            wallet.dir().display()
        )));
    }
    Ok((candidates, labels, Holdings::Wallet { wallet, ids }))
}

/// Runs `elicence rp serve` until interrupted.
pub fn serve(args: &RpServeArgs) -> Result<ExitCode, CliError> {
    let config = RpConfig::load(&args.config).map_err(|e| CliError::Usage(e.to_string()))?;
    elicence_relying_party::serve(config, |addr| {
        println!("elicence relying party listening on http://{addr}");
        let _ = std::io::stdout().flush();
    })
    .map_err(|e| CliError::Usage(e.to_string()))?;
    Ok(ExitCode::SUCCESS)
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(std::time::Duration::from_secs(30)))
        .build()
        .into()
}

fn online(e: impl std::fmt::Display) -> CliError {
    CliError::Usage(format!("network: {e}"))
}

fn confirm() -> Result<bool, CliError> {
    if !std::io::stdin().is_terminal() {
        return Err(CliError::Usage(
            "nothing sent: confirm with --yes (no terminal to ask on)".into(),
        ));
    }
    print!("Send this to the verifier? [y/N] ");
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| CliError::io("-", e))?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes"))
}

/// Runs `elicence wallet present`: 0 accepted, 1 refused or declined, 2 errors.
pub fn present(args: &WalletPresentArgs) -> Result<ExitCode, CliError> {
    let link = parse_link(&args.uri).map_err(|e| CliError::Usage(e.to_string()))?;
    let mut anchors = Vec::new();
    for path in &args.rp_ca {
        let pem = std::fs::read_to_string(path).map_err(|e| CliError::io(path, e))?;
        anchors.extend(
            client::read_pem_chain(&pem)
                .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?,
        );
    }
    let (candidates, labels, holdings) = holdings(args)?;

    let agent = agent();
    let mut fetched = agent.get(&link.request_uri).call().map_err(online)?;
    if fetched.status() != 200 {
        return Err(CliError::Usage(format!(
            "the verifier's request is not available (HTTP {}): it may have expired or been answered",
            fetched.status()
        )));
    }
    let mut jwt = String::new();
    fetched
        .body_mut()
        .as_reader()
        .take(MAX_REQUEST_OBJECT as u64 + 1)
        .read_to_string(&mut jwt)
        .map_err(online)?;
    let verified = verify_request_object(&jwt, &link, &anchors, SystemTime::now())
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let request = &verified.request;
    let choices = holder::select(&request.dcql_query, &candidates)
        .map_err(|e| CliError::Usage(e.to_string()))?;

    println!("Verifier: {}", verified.identity);
    println!("Answer goes to: {}", request.response_uri);
    for choice in &choices {
        let c = &candidates[choice.candidate];
        println!(
            "\nFrom {} ({}), for request {:?}, the verifier will see:",
            labels[choice.candidate], c.format, choice.query_id
        );
        if c.format == elicence_relying_party::dcql::FORMAT_LDP {
            println!(
                "  (a Data Integrity credential cannot be disclosed in part: all of it is sent)"
            );
        }
        for shown in &choice.shown {
            let value = match &shown.value {
                Value::String(s) => s.clone(),
                v => v.to_string(),
            };
            println!("  {} = {}", shown.path, value);
        }
    }
    println!();
    if !args.yes && !confirm()? {
        println!("Nothing was sent.");
        return Ok(ExitCode::from(1));
    }
    let now = time::OffsetDateTime::now_utc();
    let token = match &holdings {
        Holdings::Files { holder_key } => {
            let key = super::load_key(holder_key, &args.pass)?;
            holder::vp_token(request, &candidates, &choices, &key, now)
                .map_err(|e| CliError::Usage(e.to_string()))?
        }
        Holdings::Wallet { wallet, ids } => {
            let secret = passphrase::obtain(
                args.pass.passphrase_file.as_deref(),
                "open the wallet's holder keys",
            )?;
            // Each credential is presented with the key it is bound to.
            let mut token = serde_json::Map::new();
            for choice in &choices {
                let key = wallet.holder_key(&ids[choice.candidate], &secret)?;
                let one = holder::vp_token(
                    request,
                    &candidates,
                    std::slice::from_ref(choice),
                    &key,
                    now,
                )
                .map_err(|e| CliError::Usage(e.to_string()))?;
                if let Value::Object(entries) = one {
                    token.extend(entries);
                }
            }
            Value::Object(token)
        }
    };
    let body =
        holder::response_body(request, &token).map_err(|e| CliError::Usage(e.to_string()))?;
    let mut reply = agent
        .post(&request.response_uri)
        .header("content-type", "application/x-www-form-urlencoded")
        .send(body.as_str())
        .map_err(online)?;
    let status = reply.status().as_u16();
    let text = reply.body_mut().read_to_string().unwrap_or_default();
    let json: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    if status == 200 {
        println!("The verifier accepted the presentation.");
        if let Some(next) = json.get("redirect_uri").and_then(Value::as_str) {
            println!("Result page: {next}");
        }
        Ok(ExitCode::SUCCESS)
    } else {
        let why = json
            .get("error_description")
            .and_then(Value::as_str)
            .unwrap_or(&text);
        println!("The verifier refused the presentation (HTTP {status}): {why}");
        Ok(ExitCode::from(1))
    }
}
