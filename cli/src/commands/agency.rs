//! `elicence agency add|list|add-key`: agencies in the issuer database.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use elicence_core::keys::KeyAlgorithm;
use elicence_issuer::admin::{self, NewAgency};
use elicence_issuer::crypto::MasterKey;
use elicence_issuer::hsm::Hsm;
use elicence_issuer::registry::DidMethod;

use super::serve::{issuer_error, open_db};
use crate::error::CliError;

/// Agency administration (directly on the database named in the config).
#[derive(Debug, Subcommand)]
pub enum AgencyCommand {
    /// Create an agency with its did:web and a first signing key.
    Add(AddArgs),
    /// List agencies, their DIDs and public keys.
    List(ListArgs),
    /// Add a signing key (rotation): new credentials use it from --not-before on.
    AddKey(AddKeyArgs),
    /// Seal an agency's PDF signing key (ECDSA P-256, PEM) under the master
    /// key, for `[pdf_signing.CODE].sealed_key` (docs/pdf.md).
    SealPdfKey(SealPdfKeyArgs),
    /// Re-encrypt every stored signing key (and console TOTP secret) under a
    /// new master key, in one transaction (killed midway: nothing changed;
    /// safe to run again). Then install the new key file where
    /// `[master_key]` points: running instances switch to it without a
    /// restart (SIGHUP or within `reload_check_seconds`).
    RotateMasterKey(RotateMasterKeyArgs),
}

/// `elicence agency rotate-master-key`.
#[derive(Debug, Args)]
pub struct RotateMasterKeyArgs {
    /// The service configuration (its `[master_key]` is the current key).
    #[arg(long, value_name = "FILE")]
    pub config: PathBuf,
    /// The new master key file (64 hex digits or base64 of 32 bytes; make
    /// one with `elicence-issuer init` or `openssl rand -hex 32`).
    #[arg(long, value_name = "FILE")]
    pub new_key_file: PathBuf,
}

/// `elicence agency seal-pdf-key`.
#[derive(Debug, Args)]
pub struct SealPdfKeyArgs {
    /// The service configuration (its master key seals the key).
    #[arg(long, value_name = "FILE")]
    pub config: PathBuf,
    /// Agency code the key belongs to (the sealed key opens only for it).
    #[arg(long)]
    pub code: String,
    /// The private key of the agency's PDF signing certificate (PKCS#8 PEM, encrypted or not).
    #[arg(long, value_name = "PEM")]
    pub key: PathBuf,
    #[command(flatten)]
    pub pass: crate::cli::PassphraseArgs,
    /// Where to write the sealed key (created with mode 0600 where supported).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

/// `elicence agency add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// The service configuration.
    #[arg(long, value_name = "FILE")]
    pub config: PathBuf,
    /// Agency code (a-z, 0-9, -): part of its DID and URLs forever.
    #[arg(long)]
    pub code: String,
    /// Name in Thai.
    #[arg(long)]
    pub name_th: String,
    /// Name in English.
    #[arg(long)]
    pub name_en: String,
    /// Make the first key P-256 instead of Ed25519.
    #[arg(long, conflicts_with = "p384")]
    pub p256: bool,
    /// Identify the agency by the did:key of its one signing key instead of a
    /// did:web under the service (verifiable with no DID document; the key can
    /// never be rotated).
    #[arg(long)]
    pub did_key: bool,
    /// Make the first key P-384 instead of Ed25519.
    #[arg(long)]
    pub p384: bool,
}

/// `elicence agency list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// The service configuration.
    #[arg(long, value_name = "FILE")]
    pub config: PathBuf,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `elicence agency add-key`.
#[derive(Debug, Args)]
pub struct AddKeyArgs {
    /// The service configuration.
    #[arg(long, value_name = "FILE")]
    pub config: PathBuf,
    /// Agency code.
    #[arg(long)]
    pub code: String,
    /// P-256 instead of Ed25519.
    #[arg(long, conflicts_with = "p384")]
    pub p256: bool,
    /// P-384 instead of Ed25519.
    #[arg(long)]
    pub p384: bool,
    /// Stop signing with the agency's other keys now (they stay in the DID document).
    #[arg(long)]
    pub retire_others: bool,
}

fn alg(p256: bool, p384: bool) -> KeyAlgorithm {
    if p384 {
        KeyAlgorithm::P384
    } else if p256 {
        KeyAlgorithm::P256
    } else {
        KeyAlgorithm::Ed25519
    }
}

/// The HSM token, opened, if `[hsm].agencies` lists agency `code`: its new
/// keys are then generated in the token.
fn hsm_for(
    config: &elicence_issuer::Config,
    code: &str,
) -> Result<Option<std::sync::Arc<Hsm>>, CliError> {
    match &config.hsm {
        Some(h) if h.holds(code) => Ok(Some(Hsm::open(h).map_err(issuer_error)?)),
        _ => Ok(None),
    }
}

fn key_store<'a>(master: &'a MasterKey, hsm: Option<&'a Hsm>) -> admin::KeyStore<'a> {
    match hsm {
        Some(hsm) => admin::KeyStore::Hsm(hsm),
        None => admin::KeyStore::Software(master),
    }
}

/// Runs an agency command.
pub fn run(c: &AgencyCommand) -> Result<ExitCode, CliError> {
    match c {
        AgencyCommand::Add(a) => {
            let (config, mut conn) = open_db(&a.config)?;
            let master = MasterKey::load(&config.master_key).map_err(issuer_error)?;
            let hsm = hsm_for(&config, &a.code)?;
            let summary = admin::add_agency_in(
                &mut conn,
                key_store(&master, hsm.as_deref()),
                config.origin(),
                &NewAgency {
                    code: &a.code,
                    name_th: &a.name_th,
                    name_en: &a.name_en,
                    algorithm: alg(a.p256, a.p384),
                    did_method: if a.did_key {
                        DidMethod::Key
                    } else {
                        DidMethod::Web
                    },
                },
                &admin::admin_actor(),
            )
            .map_err(issuer_error)?;
            println!(
                "{}",
                serde_json::to_string_pretty(&summary).unwrap_or_default()
            );
        }
        AgencyCommand::List(a) => {
            let (config, conn) = open_db(&a.config)?;
            let all = admin::list_agencies(&conn, config.origin()).map_err(issuer_error)?;
            if a.json {
                println!("{}", serde_json::to_string_pretty(&all).unwrap_or_default());
            } else {
                for ag in all {
                    println!("{}\t{}\t{}\t{}", ag.code, ag.did, ag.name_th, ag.name_en);
                    for k in ag.keys {
                        println!(
                            "  key {} {} {} from {}{}{}",
                            k.id,
                            k.algorithm,
                            k.public_multikey,
                            k.not_before,
                            k.not_after
                                .map(|t| format!(" until {t}"))
                                .unwrap_or_default(),
                            k.hsm_label
                                .map(|l| format!(" (HSM: {l})"))
                                .unwrap_or_default()
                        );
                    }
                }
            }
        }
        AgencyCommand::AddKey(a) => {
            let (config, mut conn) = open_db(&a.config)?;
            let master = MasterKey::load(&config.master_key).map_err(issuer_error)?;
            let hsm = hsm_for(&config, &a.code)?;
            let now = time::OffsetDateTime::now_utc();
            let id = admin::add_key_in(
                &mut conn,
                key_store(&master, hsm.as_deref()),
                &a.code,
                alg(a.p256, a.p384),
                now,
                a.retire_others.then_some(now),
                &admin::admin_actor(),
            )
            .map_err(issuer_error)?;
            println!("{id}");
        }
        AgencyCommand::RotateMasterKey(a) => {
            let (config, mut conn) = open_db(&a.config)?;
            let old = MasterKey::load(&config.master_key).map_err(issuer_error)?;
            let new = MasterKey::load(&elicence_issuer::config::MasterKeySource {
                file: Some(a.new_key_file.clone()),
                env: None,
            })
            .map_err(issuer_error)?;
            let count = admin::rotate_master_key(&mut conn, &old, &new, &admin::admin_actor())
                .map_err(issuer_error)?;
            println!("{count} signing keys re-encrypted under the new master key (keys in an HSM are not under it and stay as they are)");
        }
        AgencyCommand::SealPdfKey(a) => {
            let config = elicence_issuer::Config::load(&a.config).map_err(issuer_error)?;
            let master = MasterKey::load(&config.master_key).map_err(issuer_error)?;
            let key = match super::load_key(&a.key, &a.pass)? {
                elicence_core::keys::SigningKey::P256(k) => k,
                _ => {
                    return Err(CliError::Usage(format!(
                        "{}: PDF signing keys are ECDSA P-256",
                        a.key.display()
                    )))
                }
            };
            let der = p256::pkcs8::EncodePrivateKey::to_pkcs8_der(&key)
                .map_err(|e| CliError::Usage(format!("{}: {e}", a.key.display())))?;
            let sealed = elicence_issuer::http::pdf::seal_pdf_key(&master, &a.code, der.as_bytes())
                .map_err(issuer_error)?;
            write_private(&a.out, &sealed)?;
            println!("{}", a.out.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes a secret file readable by its owner only (where the OS supports it).
fn write_private(path: &std::path::Path, bytes: &[u8]) -> Result<(), CliError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| CliError::io(path, e))?;
    std::io::Write::write_all(&mut file, bytes).map_err(|e| CliError::io(path, e))
}
