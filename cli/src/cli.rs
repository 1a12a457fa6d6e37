//! Command-line syntax (clap). Behaviour lives in `commands`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Issue business licences as W3C Verifiable Credentials and verify them offline.
#[derive(Debug, Parser)]
#[command(name = "elicence", version, about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate and inspect signing keys.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Sign a licence as a verifiable credential.
    Issue(Box<IssueArgs>),
    /// Verify a credential (JSON or vc+jwt) offline and explain the result.
    Verify(VerifyArgs),
}

/// Key management.
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Generate a key pair; the private key is written encrypted (PKCS#8, scrypt + AES-256).
    Generate(GenerateArgs),
    /// Show the public half of a key: algorithm, Multikey, did:key, JWK.
    Show(ShowArgs),
    /// Print the DID for a key: did:key, or a did:web DID document for an agency.
    Did(DidArgs),
    /// Export a key in another format (private material only with --private).
    Export(ExportArgs),
}

/// Where a key's passphrase comes from (else $ELICENCE_PASSPHRASE, else a prompt).
#[derive(Debug, Args)]
pub struct PassphraseArgs {
    /// Read the passphrase from this file (first line).
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
}

/// Signature algorithms a key can have.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Algorithm {
    /// Ed25519 (EdDSA), for eddsa-* suites and EdDSA JWTs.
    Ed25519,
    /// NIST P-256 (ECDSA), for ecdsa-* suites and ES256 JWTs.
    P256,
}

/// `elicence key generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Where to write the private key (PEM). `-` writes it to stdout.
    #[arg(long, short, value_name = "FILE")]
    pub out: PathBuf,
    /// Make a P-256 key instead of Ed25519.
    #[arg(long)]
    pub p256: bool,
    /// Store the private key unencrypted (not recommended; for throwaway test keys).
    #[arg(long)]
    pub plaintext: bool,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
    /// Print the public key summary as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

/// `elicence key show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The private key file (PEM).
    #[arg(long, short, value_name = "FILE")]
    pub key: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

/// `elicence key did`.
#[derive(Debug, Args)]
pub struct DidArgs {
    /// Private key files whose public keys go into the DID (the first one for did:key).
    #[arg(long, short, value_name = "FILE")]
    pub key: Vec<PathBuf>,
    /// Public keys as Multikey strings (z6Mk… or zDn…), e.g. older keys kept for rotation.
    #[arg(long, value_name = "MULTIKEY")]
    pub public_key: Vec<String>,
    /// Make a did:web DID document for this DID (or bare domain), listing every key.
    #[arg(long, value_name = "DID_OR_DOMAIN")]
    pub web: Option<String>,
    /// Where to write the DID document (default stdout).
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

/// Key export formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// JSON Web Key.
    Jwk,
    /// PEM: SubjectPublicKeyInfo, or PKCS#8 with --private.
    Pem,
    /// Multikey (publicKeyMultibase / secretKeyMultibase).
    Multikey,
}

/// `elicence key export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The private key file (PEM).
    #[arg(long, short, value_name = "FILE")]
    pub key: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "jwk")]
    pub format: ExportFormat,
    /// Include the private key, unencrypted. Only when you really mean it.
    #[arg(long)]
    pub private: bool,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

/// Securing formats `issue` can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Suite {
    /// Data Integrity, Ed25519 over RDFC-1.0 canonical N-Quads (the default for Ed25519 keys).
    #[value(name = "eddsa-rdfc-2022")]
    EddsaRdfc2022,
    /// Data Integrity, ECDSA P-256 over RDFC-1.0 canonical N-Quads (the default for P-256 keys).
    #[value(name = "ecdsa-rdfc-2019")]
    EcdsaRdfc2019,
    /// Data Integrity, Ed25519 over JCS-canonical JSON.
    #[value(name = "eddsa-jcs-2022")]
    EddsaJcs2022,
    /// Data Integrity, ECDSA P-256 over JCS-canonical JSON.
    #[value(name = "ecdsa-jcs-2019")]
    EcdsaJcs2019,
    /// VC-JOSE-COSE compact JWS (`typ: vc+jwt`), EdDSA or ES256 by key type.
    #[value(name = "jwt")]
    Jwt,
}

/// `elicence issue`.
#[derive(Debug, Args)]
pub struct IssueArgs {
    /// Licence data as JSON (see docs/licence-credential.md); `-` for stdin.
    /// Omit it to give the licence with the flags below instead.
    #[arg(value_name = "LICENCE_JSON")]
    pub input: Option<PathBuf>,
    /// Sign this unsigned credential (VC 2.0 or 1.1) as it is, instead of licence data.
    /// Its issuer must be the signing key's DID and its contexts must be shipped ones.
    #[arg(long, value_name = "FILE", conflicts_with = "input")]
    pub credential: Option<PathBuf>,
    /// The agency's signing key (PEM).
    #[arg(long, short, value_name = "FILE")]
    pub key: PathBuf,
    /// Securing format (default: eddsa-rdfc-2022 for Ed25519 keys, ecdsa-rdfc-2019 for P-256).
    #[arg(long, value_enum)]
    pub suite: Option<Suite>,
    /// The issuer's DID, when it is a did:web listing this key (default: the key's did:key).
    #[arg(long, value_name = "DID")]
    pub issuer_did: Option<String>,
    /// Proof creation time (RFC 3339; default now). For reproducible outputs.
    #[arg(long, value_name = "DATETIME")]
    pub created: Option<String>,
    /// Where to write the credential (default stdout).
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub licence: LicenceFlags,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

/// The licence given field by field, for scripts that do not write JSON.
#[derive(Debug, Args, Default)]
pub struct LicenceFlags {
    /// Agency base URL for licence IRIs, e.g. https://licence.example.go.th
    #[arg(
        long,
        value_name = "URL",
        help_heading = "Licence (instead of LICENCE_JSON)"
    )]
    pub base_url: Option<String>,
    /// Agency name in Thai.
    #[arg(long, help_heading = "Licence (instead of LICENCE_JSON)")]
    pub agency_th: Option<String>,
    /// Agency name in English.
    #[arg(long, help_heading = "Licence (instead of LICENCE_JSON)")]
    pub agency_en: Option<String>,
    /// Licence type code from the catalogue.
    #[arg(long, help_heading = "Licence (instead of LICENCE_JSON)")]
    pub type_code: Option<String>,
    /// Licence type name in Thai.
    #[arg(long, help_heading = "Licence (instead of LICENCE_JSON)")]
    pub type_th: Option<String>,
    /// Licence type name in English.
    #[arg(long, help_heading = "Licence (instead of LICENCE_JSON)")]
    pub type_en: Option<String>,
    /// Licence number exactly as the agency writes it, e.g. "สน.1/2566".
    #[arg(long, help_heading = "Licence (instead of LICENCE_JSON)")]
    pub number: Option<String>,
    /// Holder's 13-digit juristic person (or national) ID.
    #[arg(long, help_heading = "Licence (instead of LICENCE_JSON)")]
    pub holder_id: Option<String>,
    /// Holder's name in Thai.
    #[arg(long, help_heading = "Licence (instead of LICENCE_JSON)")]
    pub holder_th: Option<String>,
    /// Holder's name in English.
    #[arg(long, help_heading = "Licence (instead of LICENCE_JSON)")]
    pub holder_en: Option<String>,
    /// Premises address in Thai.
    #[arg(long, help_heading = "Licence (instead of LICENCE_JSON)")]
    pub address_th: Option<String>,
    /// A permitted activity (repeat for several).
    #[arg(long, help_heading = "Licence (instead of LICENCE_JSON)")]
    pub activity: Vec<String>,
    /// A condition of the licence (repeat for several).
    #[arg(long, help_heading = "Licence (instead of LICENCE_JSON)")]
    pub condition: Vec<String>,
    /// Start of validity (RFC 3339 with time zone).
    #[arg(long, help_heading = "Licence (instead of LICENCE_JSON)")]
    pub valid_from: Option<String>,
    /// End of validity (RFC 3339 with time zone).
    #[arg(long, help_heading = "Licence (instead of LICENCE_JSON)")]
    pub valid_until: Option<String>,
}

/// Report languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    /// English only.
    En,
    /// Thai only.
    Th,
    /// Both, English first.
    Both,
}

/// `elicence verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The credential (JSON or vc+jwt); `-` or nothing for stdin.
    #[arg(value_name = "FILE", default_value = "-")]
    pub input: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Check only the proof (not the issuer's key ownership, dates or licence data).
    #[arg(long)]
    pub proof_only: bool,
    /// A DID document to use for did:web issuers (repeatable); nothing is fetched.
    #[arg(long, value_name = "FILE")]
    pub did_doc: Vec<PathBuf>,
    /// Judge validity at this instant instead of now (RFC 3339).
    #[arg(long, value_name = "DATETIME")]
    pub now: Option<String>,
    /// Language of the human report.
    #[arg(long, value_enum, default_value = "both")]
    pub lang: Lang,
}
