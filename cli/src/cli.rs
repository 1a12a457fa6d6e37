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
    /// Verify a credential (JSON, vc+jwt or SD-JWT VC) or a presentation offline and explain the result.
    Verify(VerifyArgs),
    /// Build, check and refresh the signed offline trust bundle.
    #[command(subcommand)]
    Bundle(BundleCommand),
    /// Present licences to a verifier: a presentation signed with the business's key.
    Present(PresentArgs),
    /// Run the issuer service (same as `elicence-issuer serve`).
    Serve(crate::commands::serve::ServeArgs),
    /// Administer agencies in the issuer database.
    #[command(subcommand)]
    Agency(crate::commands::agency::AgencyCommand),
    /// Administer API tokens in the issuer database.
    #[command(subcommand)]
    Token(crate::commands::token::TokenCommand),
    /// Administer agency console accounts in the issuer database.
    #[command(subcommand)]
    User(crate::commands::user::UserCommand),
    /// Revoke, suspend or reinstate a licence on an issuer service.
    Revoke(crate::commands::remote::RevokeArgs),
    /// Check credential status against published status lists (online).
    #[command(subcommand)]
    Status(crate::commands::status::StatusCommand),
    /// Put a signed licence into a QR code (LC2 payload) and read it back from a photo.
    #[command(subcommand)]
    Qr(QrCommand),
    /// Make a printable A4 paper licence (HTML; PDF/PNG through headless Chromium).
    Render(RenderArgs),
    /// A business's wallet: receive licences over OpenID4VCI, list and show them, answer OpenID4VP requests.
    #[command(subcommand)]
    Wallet(crate::commands::wallet::WalletCommand),
    /// Run an OpenID4VP relying party: a bank asks wallets for licences.
    #[command(subcommand)]
    Rp(crate::commands::rp::RpCommand),
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
    #[arg(long, conflicts_with = "p384")]
    pub p256: bool,
    /// Make a P-384 key instead of Ed25519 (ecdsa-* suites with SHA-384, ES384 JWTs).
    #[arg(long)]
    pub p384: bool,
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
    /// Data Integrity, ECDSA P-256 or P-384 over RDFC-1.0 canonical N-Quads (the default for ECDSA keys).
    #[value(name = "ecdsa-rdfc-2019")]
    EcdsaRdfc2019,
    /// Data Integrity, Ed25519 over JCS-canonical JSON.
    #[value(name = "eddsa-jcs-2022")]
    EddsaJcs2022,
    /// Data Integrity, ECDSA P-256 or P-384 over JCS-canonical JSON.
    #[value(name = "ecdsa-jcs-2019")]
    EcdsaJcs2019,
    /// VC-JOSE-COSE compact JWS (`typ: vc+jwt`), EdDSA, ES256 or ES384 by key type.
    #[value(name = "jwt")]
    Jwt,
    /// SD-JWT VC (`typ: dc+sd-jwt`) for wallets: every licence field selectively
    /// disclosable; ES256 (P-256, as HAIP requires) or EdDSA by key type.
    #[value(name = "sd-jwt", alias = "dc+sd-jwt")]
    SdJwt,
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
    #[arg(long, short, value_name = "FILE", required_unless_present = "server")]
    pub key: Option<PathBuf>,
    #[command(flatten)]
    pub remote: crate::commands::remote::RemoteIssueArgs,
    /// Securing format (default: eddsa-rdfc-2022 for Ed25519 keys, ecdsa-rdfc-2019 for P-256 and P-384).
    #[arg(long, visible_alias = "format", value_enum)]
    pub suite: Option<Suite>,
    #[command(flatten)]
    pub sd_jwt: SdJwtIssueArgs,
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

/// SD-JWT VC issuance (`--suite sd-jwt`).
#[derive(Debug, Args, Default)]
pub struct SdJwtIssueArgs {
    /// The holder's public key as a JWK file (its wallet key): the licence is
    /// bound to it (`cnf.jwk`) and only it can make Key Binding JWTs.
    #[arg(
        long,
        value_name = "FILE",
        help_heading = "SD-JWT VC",
        conflicts_with = "holder_key"
    )]
    pub holder_jwk: Option<PathBuf>,
    /// The holder's key as a PEM file (public or private; only the public half is used).
    #[arg(long, value_name = "FILE", help_heading = "SD-JWT VC")]
    pub holder_key: Option<PathBuf>,
    /// The Token Status List (statuslist+jwt) URI this licence's status is published in.
    #[arg(
        long,
        value_name = "URI",
        help_heading = "SD-JWT VC",
        requires = "status_index"
    )]
    pub status_uri: Option<String>,
    /// The licence's index in that list.
    #[arg(
        long,
        value_name = "N",
        help_heading = "SD-JWT VC",
        requires = "status_uri"
    )]
    pub status_index: Option<u64>,
    /// The licence catalogue: puts the type metadata's integrity (`vct#integrity`) in the licence.
    #[arg(long, value_name = "FILE", help_heading = "SD-JWT VC")]
    pub catalogue: Option<PathBuf>,
    /// Decoy digests per disclosable level, so a reader cannot count withheld claims.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 0,
        help_heading = "SD-JWT VC"
    )]
    pub decoys: usize,
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
    /// The credential (JSON, vc+jwt, SD-JWT VC or an `LC2:`/`LC1:` QR payload); `-` or nothing for stdin.
    #[arg(value_name = "FILE", default_value = "-")]
    pub input: PathBuf,
    /// Read the credential from the QR code(s) in this photo (PNG or JPEG) instead;
    /// every elicence QR code in it is verified.
    #[arg(long, value_name = "IMAGE")]
    pub qr_image: Option<PathBuf>,
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
    #[command(flatten)]
    pub trust: TrustArgs,
    /// For a PDF licence: the trusted root certificates (PEM) its PAdES
    /// signature and time-stamp must chain to. Also $ELICENCE_PDF_ROOTS.
    #[arg(long, value_name = "PEM")]
    pub pdf_roots: Vec<PathBuf>,
    /// For a presentation: the challenge this verifier issued.
    #[arg(long, value_name = "TEXT")]
    pub challenge: Option<String>,
    /// For a presentation: this verifier's domain.
    #[arg(long, value_name = "DOMAIN")]
    pub domain: Option<String>,
    /// For a presentation: file of challenges already used (one a line); a
    /// valid presentation's challenge is appended to it.
    #[arg(long, value_name = "FILE")]
    pub seen_challenges: Option<PathBuf>,
    /// Do not check status (revocation, suspension) at all: the report says
    /// "not checked" and a revoked credential may pass. Without this flag a
    /// credential that names a status list is never judged without one.
    #[arg(long, conflicts_with = "online")]
    pub no_status: bool,
    /// Fetch the credential's status lists (and did:web DID documents not
    /// given with --did-doc) over the network before verifying. Each list
    /// must be signed by the credential's issuer and be in force.
    #[arg(long)]
    pub online: bool,
    /// With --online: fetch from this origin instead of the URLs' own (a
    /// mirror; it is not trusted, every list is still checked).
    #[arg(long, value_name = "URL", requires = "online")]
    pub via: Option<String>,
}

/// Verifying against a trust bundle.
#[derive(Debug, Args)]
pub struct TrustArgs {
    /// The signed trust bundle: recognised agencies, catalogue, status lists.
    #[arg(long, value_name = "FILE", requires = "root")]
    pub bundle: Option<PathBuf>,
    /// The root authority's did:key, which must have signed the bundle.
    #[arg(long, value_name = "DID")]
    pub root: Option<String>,
    /// Refuse bundles older than this version (rollback protection).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub min_version: u64,
    /// Status snapshots older than this many hours make the status unknown.
    #[arg(long, value_name = "HOURS", default_value_t = 168)]
    pub max_status_age: u32,
}

/// `elicence bundle`.
#[derive(Debug, Subcommand)]
pub enum BundleCommand {
    /// Sign a trust list and a bundle with the root key (offline).
    Build(BundleBuildArgs),
    /// Check a bundle's signatures and contents, and show what it holds.
    Verify(BundleVerifyArgs),
    /// Re-fetch every status list from its issuer and re-sign the bundle (the only networked command).
    Refresh(BundleRefreshArgs),
}

/// `elicence bundle build`.
#[derive(Debug, Args)]
pub struct BundleBuildArgs {
    /// The root authority's signing key (PEM).
    #[arg(long, value_name = "FILE")]
    pub root_key: PathBuf,
    /// The agencies (JSON array; see docs/trust.md).
    #[arg(long, value_name = "FILE")]
    pub agencies: PathBuf,
    /// The licence catalogue (see docs/catalogue.md).
    #[arg(long, value_name = "FILE")]
    pub catalogue: PathBuf,
    /// A status list credential as fetched from its issuer (repeatable).
    #[arg(long, value_name = "FILE")]
    pub status_list: Vec<PathBuf>,
    /// A Token Status List (statuslist+jwt, for SD-JWT VC licences) as
    /// fetched from its issuer (repeatable).
    #[arg(long, value_name = "FILE")]
    pub token_status_list: Vec<PathBuf>,
    /// When the status lists were fetched (RFC 3339; default now).
    #[arg(long, value_name = "DATETIME")]
    pub fetched_at: Option<String>,
    /// Bundle version: must grow with every release.
    #[arg(long = "bundle-version", value_name = "N")]
    pub version: u64,
    /// Start of validity (RFC 3339; default: --created).
    #[arg(long, value_name = "DATETIME")]
    pub valid_from: Option<String>,
    /// End of validity (RFC 3339).
    #[arg(long, value_name = "DATETIME")]
    pub valid_until: Option<String>,
    /// Signing time (RFC 3339; default now). For reproducible outputs.
    #[arg(long, value_name = "DATETIME")]
    pub created: Option<String>,
    /// Where to write the bundle (default stdout).
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

/// `elicence bundle verify`.
#[derive(Debug, Args)]
pub struct BundleVerifyArgs {
    /// The bundle.
    #[arg(value_name = "FILE")]
    pub bundle: PathBuf,
    /// The root authority's did:key.
    #[arg(long, value_name = "DID")]
    pub root: String,
    /// Refuse bundles older than this version.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub min_version: u64,
    /// Judge freshness at this instant instead of now (RFC 3339).
    #[arg(long, value_name = "DATETIME")]
    pub now: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `elicence bundle refresh`.
#[derive(Debug, Args)]
pub struct BundleRefreshArgs {
    /// The bundle to refresh.
    #[arg(value_name = "FILE")]
    pub bundle: PathBuf,
    /// The root authority's signing key (PEM).
    #[arg(long, value_name = "FILE")]
    pub root_key: PathBuf,
    /// New version (default: the old one plus one).
    #[arg(long = "bundle-version", value_name = "N")]
    pub version: Option<u64>,
    /// New end of validity (default: keep the old one).
    #[arg(long, value_name = "DATETIME")]
    pub valid_until: Option<String>,
    /// Where to write the refreshed bundle.
    #[arg(long, short, value_name = "FILE")]
    pub out: PathBuf,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

/// `elicence present`.
#[derive(Debug, Args)]
pub struct PresentArgs {
    /// Licence credentials to present (JSON or vc+jwt files), or one SD-JWT VC.
    #[arg(value_name = "CREDENTIAL", required = true)]
    pub credentials: Vec<PathBuf>,
    /// The business's own key (its did:key is the licences' subject; for an
    /// SD-JWT VC, the holder key it is bound to, for the Key Binding JWT).
    #[arg(long, short, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// The challenge the verifier gave (SD-JWT VC: the KB-JWT `nonce`).
    #[arg(long, visible_alias = "nonce", value_name = "TEXT")]
    pub challenge: Option<String>,
    /// The verifier's domain (SD-JWT VC: the KB-JWT `aud`).
    #[arg(long, visible_alias = "aud", value_name = "DOMAIN")]
    pub domain: Option<String>,
    /// SD-JWT VC: the claims to disclose, comma-separated or repeated
    /// (licenceNumber, licenceIri, businessDid, juristicPersonId, legalName,
    /// premisesAddress, permittedActivities, permittedActivities[0],
    /// conditions, conditions[1], or all; licenceType, validity, issuer and
    /// status are always shown).
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub disclose: Vec<String>,
    /// Signing time (RFC 3339; default now). For reproducible outputs.
    #[arg(long, value_name = "DATETIME")]
    pub created: Option<String>,
    /// Where to write the presentation (default stdout).
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

/// `elicence qr`.
#[derive(Debug, Subcommand)]
pub enum QrCommand {
    /// Encode a signed credential as an LC2 QR payload, and draw it as PNG and/or SVG.
    Encode(QrEncodeArgs),
    /// Read the credential back, exactly as signed, from a QR photo or an LC2/LC1 payload file.
    Decode(QrDecodeArgs),
    /// Print the text of every QR code in a picture, whatever it holds (exit 1: none found).
    Scan(QrScanArgs),
    /// Show the size at each encoding stage and the QR version at each EC level.
    Stats(QrStatsArgs),
    /// Print the License Access URL: the reference-only QR form (needs the network to use).
    Link(QrLinkArgs),
}

/// QR error-correction levels (how much of a damaged code can be recovered).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum QrEc {
    /// About 7 %: screens only.
    #[value(name = "L")]
    L,
    /// About 15 %.
    #[value(name = "M")]
    M,
    /// About 25 %: the default for paper.
    #[value(name = "Q")]
    Q,
    /// About 30 %: harsh conditions, denser code.
    #[value(name = "H")]
    H,
}

/// `elicence qr encode`.
#[derive(Debug, Args)]
pub struct QrEncodeArgs {
    /// The signed credential: JSON with a Data Integrity proof, or a vc+jwt file; `-` for stdin.
    #[arg(value_name = "CREDENTIAL")]
    pub credential: PathBuf,
    /// Write the QR code as a PNG image here.
    #[arg(long, value_name = "FILE")]
    pub png: Option<PathBuf>,
    /// Write the QR code as an SVG image here.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// Error-correction level.
    #[arg(long, value_enum, default_value = "Q")]
    pub ec: QrEc,
    /// Pixels per module in the PNG (nominal size of the SVG).
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub module_px: u32,
    /// Print the payload text even when writing images.
    #[arg(long)]
    pub text: bool,
}

/// `elicence qr decode`.
#[derive(Debug, Args)]
pub struct QrDecodeArgs {
    /// A PNG or JPEG photo of the QR code, or a text file holding an `LC2:` (or `LC1:`) payload; `-` for stdin.
    #[arg(value_name = "IMAGE_OR_PAYLOAD")]
    pub input: PathBuf,
}

/// `elicence qr scan`.
#[derive(Debug, Args)]
pub struct QrScanArgs {
    /// A PNG or JPEG picture; `-` for stdin.
    #[arg(value_name = "IMAGE")]
    pub image: PathBuf,
    /// Print JSON: each code's text, corner points, QR version and error-correction level.
    #[arg(long)]
    pub json: bool,
}

/// `elicence qr stats`.
#[derive(Debug, Args)]
pub struct QrStatsArgs {
    /// The signed credential (JSON, vc+jwt or an `LC2:`/`LC1:` payload); `-` for stdin.
    #[arg(value_name = "CREDENTIAL")]
    pub credential: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `elicence qr link`.
#[derive(Debug, Args)]
pub struct QrLinkArgs {
    /// The signed credential (JSON, vc+jwt or an `LC2:`/`LC1:` payload); `-` for stdin.
    #[arg(value_name = "CREDENTIAL")]
    pub credential: PathBuf,
}

/// `elicence render`.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The signed licence credential (JSON, vc+jwt or an `LC2:`/`LC1:` payload).
    #[arg(value_name = "CREDENTIAL")]
    pub credential: PathBuf,
    /// Directory for the outputs (created if missing); files are named after CREDENTIAL.
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    /// Also write the PDF/A-3 licence (drawn natively, the signed credential
    /// embedded); signed by the agency with --sign-cert and --sign-key.
    #[arg(long)]
    pub pdf: bool,
    /// With --pdf: the agency's X.509 signing certificate (PEM; the chain
    /// may follow in the same file) for the PAdES signature.
    #[arg(long, value_name = "PEM", requires_all = ["pdf", "sign_key"])]
    pub sign_cert: Option<PathBuf>,
    /// With --pdf: the private key of --sign-cert (PKCS#8 PEM, ECDSA P-256,
    /// encrypted or not; the passphrase is asked for or read from --passphrase-file).
    #[arg(long, value_name = "PEM", requires = "sign_cert")]
    pub sign_key: Option<PathBuf>,
    /// With --sign-cert: an RFC 3161 time-stamping authority's URL, for a
    /// PAdES B-T signature (without it: B-B).
    #[arg(long, value_name = "URL", requires = "sign_cert")]
    pub tsa: Option<String>,
    #[command(flatten)]
    pub pass: PassphraseArgs,
    /// Also take a PNG picture of the page with headless Chromium.
    #[arg(long)]
    pub png: bool,
    /// QR error-correction level.
    #[arg(long, value_enum, default_value = "Q")]
    pub ec: QrEc,
    /// Print the License Access URL in the QR code instead of the credential itself.
    #[arg(long)]
    pub link_qr: bool,
    /// The Chromium (or Chrome) executable (default: $ELICENCE_CHROMIUM, else the first of
    /// chromium, chromium-browser, google-chrome on PATH).
    #[arg(long, value_name = "PATH")]
    pub chromium: Option<PathBuf>,
}
