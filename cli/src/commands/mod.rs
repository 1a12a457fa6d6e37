//! Command implementations: thin glue from parsed arguments to the libraries.

pub mod agency;
mod bundle;
mod issue;
mod key;
mod online;
mod pdf_sign;
mod pdf_verify;
mod present;
mod qr;
pub mod remote;
mod render;
pub mod rp;
pub mod serve;
pub mod status;
pub mod token;
pub mod user;
mod verify;
pub mod wallet;

use std::path::Path;
use std::process::ExitCode;

use elicence_core::keys::SigningKey;

use crate::cli::{BundleCommand, Cli, Command, KeyCommand, PassphraseArgs, QrCommand};
use crate::error::CliError;
use crate::{io, passphrase};

/// Runs one parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode, CliError> {
    match cli.command {
        Command::Key(KeyCommand::Generate(a)) => key::generate(&a),
        Command::Key(KeyCommand::Show(a)) => key::show(&a),
        Command::Key(KeyCommand::Did(a)) => key::did(&a),
        Command::Key(KeyCommand::Export(a)) => key::export(&a),
        Command::Issue(a) if a.remote.server.is_some() => remote::issue(&a),
        Command::Issue(a) => issue::issue(&a),
        Command::Verify(a) => verify::verify(&a),
        Command::Bundle(BundleCommand::Build(a)) => bundle::build(&a),
        Command::Bundle(BundleCommand::Verify(a)) => bundle::verify(&a),
        Command::Bundle(BundleCommand::Refresh(a)) => bundle::refresh(&a),
        Command::Present(a) => present::present(&a),
        Command::Serve(a) => serve::serve(&a),
        Command::Agency(c) => agency::run(&c),
        Command::Token(c) => token::run(&c),
        Command::User(c) => user::run(&c),
        Command::Revoke(a) => remote::revoke(&a),
        Command::Status(c) => status::run(&c),
        Command::Qr(QrCommand::Encode(a)) => qr::encode(&a),
        Command::Qr(QrCommand::Decode(a)) => qr::decode(&a),
        Command::Qr(QrCommand::Scan(a)) => qr::scan(&a),
        Command::Qr(QrCommand::Stats(a)) => qr::stats(&a),
        Command::Qr(QrCommand::Link(a)) => qr::link(&a),
        Command::Render(a) => render::render(&a),
        Command::Wallet(c) => wallet::run(&c),
        Command::Rp(rp::RpCommand::Serve(a)) => rp::serve(&a),
        Command::Rp(rp::RpCommand::Certificate(a)) => rp::certificate(&a),
    }
}

/// Loads a private key file, asking for the passphrase only if it is encrypted.
fn load_key(path: &Path, pass: &PassphraseArgs) -> Result<SigningKey, CliError> {
    let pem = io::read_input(path)?;
    let pem = String::from_utf8(pem)
        .map_err(|_| CliError::Usage(format!("{}: not a PEM text file", path.display())))?;
    if pem.contains("ENCRYPTED PRIVATE KEY") {
        let secret = passphrase::obtain(pass.passphrase_file.as_deref(), "decrypt the key")?;
        Ok(SigningKey::from_pkcs8_pem(&pem, Some(&secret))?)
    } else {
        Ok(SigningKey::from_pkcs8_pem(&pem, None)?)
    }
}
