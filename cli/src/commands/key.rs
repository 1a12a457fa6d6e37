//! `elicence key …`: generate, show, DID and export.

use std::process::ExitCode;

use elicence_core::did;
use elicence_core::keys::{KeyAlgorithm, PublicKey, SigningKey};
use rand_core::OsRng;
use serde_json::json;

use super::load_key;
use crate::cli::{DidArgs, ExportArgs, ExportFormat, GenerateArgs, ShowArgs};
use crate::error::CliError;
use crate::{io, passphrase};

pub fn generate(a: &GenerateArgs) -> Result<ExitCode, CliError> {
    let alg = if a.p384 {
        KeyAlgorithm::P384
    } else if a.p256 {
        KeyAlgorithm::P256
    } else {
        KeyAlgorithm::Ed25519
    };
    let key = SigningKey::generate(alg, &mut OsRng);
    let pem = if a.plaintext {
        key.to_pkcs8_pem().as_bytes().to_vec()
    } else {
        let secret = passphrase::obtain(
            a.passphrase.passphrase_file.as_deref(),
            "encrypt the new key",
        )?;
        key.to_encrypted_pkcs8_pem(&secret, &mut OsRng)?
            .into_bytes()
    };
    if a.out.as_os_str() == "-" {
        io::write_output(None, &pem)?;
    } else {
        io::write_secret(&a.out, &pem, a.force)?;
        print_public(&key.public_key(), a.json, !a.plaintext)?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn show(a: &ShowArgs) -> Result<ExitCode, CliError> {
    let key = load_key(&a.key, &a.passphrase)?;
    print_public(&key.public_key(), a.json, true)?;
    Ok(ExitCode::SUCCESS)
}

fn print_public(public: &PublicKey, as_json: bool, encrypted: bool) -> Result<(), CliError> {
    let multikey = public.to_multikey();
    let did = did::did_key(public);
    let vm = did::did_key_verification_method(public);
    if as_json {
        let summary = json!({
            "algorithm": public.algorithm().to_string(),
            "publicKeyMultibase": multikey,
            "did": did,
            "verificationMethod": vm,
            "publicKeyJwk": public.to_jwk(),
        });
        let mut text = serde_json::to_string_pretty(&summary).unwrap_or_default();
        text.push('\n');
        io::write_output(None, text.as_bytes())
    } else {
        let note = if encrypted {
            ""
        } else {
            "\nwarning: the private key is stored UNENCRYPTED"
        };
        let text = format!(
            "algorithm:          {}\npublicKeyMultibase: {multikey}\ndid:                {did}\nverificationMethod: {vm}{note}\n",
            public.algorithm()
        );
        io::write_output(None, text.as_bytes())
    }
}

pub fn did(a: &DidArgs) -> Result<ExitCode, CliError> {
    let mut keys: Vec<PublicKey> = Vec::new();
    for path in &a.key {
        keys.push(load_key(path, &a.passphrase)?.public_key());
    }
    for multikey in &a.public_key {
        keys.push(PublicKey::from_multikey(multikey)?);
    }
    let Some(first) = keys.first() else {
        return Err(CliError::Usage(
            "give at least one --key or --public-key".into(),
        ));
    };
    let output = match &a.web {
        None if keys.len() > 1 => return Err(CliError::Usage(
            "a did:key holds exactly one key; use --web to list several keys in a did:web document"
                .into(),
        )),
        None => format!("{}\n", did::did_key(first)),
        Some(web) => {
            let did_web = if web.starts_with("did:web:") {
                web.clone()
            } else {
                format!("did:web:{web}")
            };
            let document = did::did_web_document(&did_web, &keys)?;
            let url = did::did_web_url(&did_web)?;
            eprintln!("publish this document at {url}");
            let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
            text.push('\n');
            text
        }
    };
    io::write_output(a.out.as_deref(), output.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

pub fn export(a: &ExportArgs) -> Result<ExitCode, CliError> {
    let key = load_key(&a.key, &a.passphrase)?;
    let public = key.public_key();
    let text: String = match (a.format, a.private) {
        (ExportFormat::Jwk, false) => pretty(&public.to_jwk()),
        (ExportFormat::Jwk, true) => format!("{}\n", key.to_private_jwk().as_str()),
        (ExportFormat::Pem, false) => public.to_spki_pem(),
        (ExportFormat::Pem, true) => key.to_pkcs8_pem().to_string(),
        (ExportFormat::Multikey, false) => format!("{}\n", public.to_multikey()),
        (ExportFormat::Multikey, true) => format!("{}\n", key.to_secret_multikey().as_str()),
    };
    io::write_output(None, text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn pretty(v: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}
