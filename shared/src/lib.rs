//! Bluelamp's shared library: the domain, the wire protocol, and the ports (storage, delivery,
//! translation) with their adapters. Every Lambda function and the local gateway build on it.

pub mod auth;
pub mod bootstrap;
pub mod chat;
pub mod config;
pub mod delivery;
pub mod domain;
pub mod dynamo;
pub mod faq;
pub mod json;
pub mod metrics;
pub mod protocol;
pub mod report;
pub mod startup;
pub mod store;
pub mod stream;
pub mod tls;
pub mod translation;
