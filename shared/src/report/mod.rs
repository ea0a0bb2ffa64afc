//! Online reports (issue 5): the three kinds of report and their field rules, the JSON body
//! and how it is parsed (every field error at once), signposting, and the report storage port.
//! Rules and formats are documented for clients in `docs/reports.md` and `docs/openapi.yaml`.

mod body;
mod email;
mod error;
#[cfg(any(test, feature = "test-support"))]
pub mod examples;
mod model;
mod phone;
mod postcode;
mod receipt;
mod reference;
mod registration;
mod signpost;
pub mod store;
mod strict;
mod text;
mod time;

#[cfg(test)]
mod tests;

pub use body::{
    parse_json_body, parse_report_json, AsbBody, CollisionBody, CrimeBody, InsuranceBody,
    OnBehalfBody, OtherPartyBody, ReportBody, ReporterBody, VehicleBody, WhenBody, WhereBody,
};
pub use email::{Email, EmailError};
pub use error::{FieldError, FieldRule};
pub use model::{
    AsbCategory, AsbDetails, AsbFrequency, CollisionDetails, Contact, ContactPreference,
    CrimeCategory, CrimeDetails, Declaration, DeclarationError, Insurance, Location, OtherParty,
    Report, ReportDetails, ReportKind, Reporter, ReporterRole, RoleKind, Vehicle, MAX_VEHICLES,
};
pub use phone::{PhoneError, PhoneNumber};
pub use postcode::{Postcode, PostcodeError};
pub use receipt::{Receipt, SignpostNotice};
pub use reference::{ReferenceError, ReportReference};
pub use registration::{RegistrationError, RegistrationFormat, VehicleRegistration};
pub use signpost::{
    is_fraud, mentions_fraud, signposts_for, EmergencyCheck, EmergencyCheckOnFirstUse, Signpost,
};
pub use store::{
    Assessment, AssessmentOutcome, AuditAction, AuditRecord, BodyHash, Created, DynamoReportStore,
    IdempotencyClaim, IdempotencyKey, IdempotencyKeyError, MemoryReportStore, NewReport,
    QueueCursor, QueueEntry, QueuePage, QueuePosition, QueuePriority, QueueQuery, ReportStatus,
    ReportStore, ReportTables, StoreError, StoredReport, MAX_QUEUE_PAGE,
};
pub use text::{
    AddressText, AssessmentNotes, Detail, LocationDescription, Narrative, PersonName, ShortText,
    TextError,
};
pub use time::{IncidentTime, OccurredAt, TimeError, MAX_AGE_DAYS};
