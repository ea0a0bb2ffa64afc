//! Field errors: what a rejected report gets back, one entry per field, in a shape a form can
//! show next to the field (`collision.vehicles[0].registration`, a stable code, a sentence).

use serde::{Deserialize, Serialize};

/// A rule a value breaks. Each parse error of a report field implements it, so the code a
/// client sees is stable while the sentence can be reworded.
pub trait FieldRule: std::error::Error {
    /// A stable, machine-readable code (`invalid_postcode`, `too_long`, ...).
    fn code(&self) -> &'static str;
}

/// One problem with one field. The message never repeats what the citizen typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The path of the field in the JSON body, e.g. `reporter.phone` or
    /// `collision.vehicles[0].registration`; `body` for the body as a whole.
    pub field: String,
    pub code: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code: code.to_owned(),
            message: message.into(),
        }
    }

    pub fn from_rule(field: impl Into<String>, rule: &dyn FieldRule) -> Self {
        Self::new(field, rule.code(), rule.to_string())
    }
}

/// Collects every field error of one body, so that the citizen sees all of them at once.
#[derive(Debug, Default)]
pub(crate) struct Collector {
    errors: Vec<FieldError>,
}

impl Collector {
    pub(crate) fn push(&mut self, field: impl Into<String>, code: &str, message: &str) {
        self.errors.push(FieldError::new(field, code, message));
    }

    /// Keeps the value, or records why it was refused.
    pub(crate) fn check<T, E: FieldRule>(
        &mut self,
        field: &str,
        result: Result<T, E>,
    ) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.push(FieldError::from_rule(field, &e));
                None
            }
        }
    }

    /// A required value: records `required` when it is absent.
    pub(crate) fn required<T>(&mut self, field: &str, value: Option<T>, what: &str) -> Option<T> {
        if value.is_none() {
            self.push(field, "required", &format!("Enter {what}"));
        }
        value
    }

    pub(crate) fn into_result<T>(self, value: Option<T>) -> Result<T, Vec<FieldError>> {
        match value {
            Some(v) if self.errors.is_empty() => Ok(v),
            _ if self.errors.is_empty() => Err(vec![FieldError::new(
                "body",
                "invalid_report",
                "The report could not be read",
            )]),
            _ => Err(self.errors),
        }
    }
}
