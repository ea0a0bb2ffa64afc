//! Why a chat (or a report) was flagged as an emergency: a reason code, never the words. The
//! type is defined with the emergency data's schema (`faq/emergency/schema.rs`), which
//! `shared/build.rs` also compiles to check the lexicon; the domain uses it from there.

pub use crate::faq::EmergencyReason;
