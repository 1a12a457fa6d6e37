//! Business licences as Verifiable Credentials: holder IDs, licence IRIs, the
//! credential model, and the JSON-LD contexts and JSON Schema they rely on.

mod checks;
pub mod context;
mod error;
pub mod iri;
pub mod model;
pub mod schema;
pub mod thai_id;

pub use context::{
    check_contexts, shipped_context, ContextError, ShippedContext, LICENCE_CONTEXT_URL,
};
pub use iri::{LicenceIri, LicenceIriError};
pub use model::{BusinessLicence, LicenceData, LicenceError};
pub use thai_id::{ThaiId, ThaiIdError};
