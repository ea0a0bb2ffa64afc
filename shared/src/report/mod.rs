//! Online reports: schemas and field rules (issue 5).
