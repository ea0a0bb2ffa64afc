//! The CloudFormation template (`infra/template.yaml`) held to the code: the tables of
//! `store::tables`, the protocol's routes, the reports API's paths (`docs/openapi.yaml`), the
//! variables each function reads, least privilege, the stream mappings and the reports WAF. It
//! reads the template as data: offline, in milliseconds.
//!
//! One module per subject; `support` reads the template.

mod actions;
mod alarms;
mod custom_domains;
mod functions;
mod hosting;
mod iam;
mod reports_api;
mod scanners;
mod sign_in;
mod stream;
mod support;
mod tables;
mod websocket_apis;
