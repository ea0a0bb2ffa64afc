//! Building a function's dependencies from its environment, once, at start: the one place
//! that knows which variables a function reads for its tables and APIs.

use crate::chat::Deps;
use crate::config::{aws, required, ChatConfig, ConfigError};
use crate::delivery::ApiGatewayDelivery;
use crate::report::{DynamoReportStore, ReportTables};
use crate::store::{tables, DynamoStore, TableNames};
use std::sync::Arc;

/// The management API endpoint of each WebSocket API
/// (`https://{api-id}.execute-api.{region}.amazonaws.com/{stage}`).
pub const PUBLIC_WS_ENDPOINT: &str = "PUBLIC_WS_ENDPOINT";
pub const OPERATOR_WS_ENDPOINT: &str = "OPERATOR_WS_ENDPOINT";

/// Every variable a chat function cannot start without (the template's check reads this).
pub const REQUIRED_CHAT_ENV: &[&str] = &[
    tables::CHATS.env_var,
    tables::CONNECTIONS.env_var,
    PUBLIC_WS_ENDPOINT,
    OPERATOR_WS_ENDPOINT,
];

/// Table names from `CHATS_TABLE` and `CONNECTIONS_TABLE`.
pub fn table_names_from_env() -> Result<TableNames, ConfigError> {
    Ok(TableNames {
        chats: required(tables::CHATS.env_var)?,
        connections: required(tables::CONNECTIONS.env_var)?,
    })
}

/// Everything a chat function needs: the configuration, the DynamoDB store, and delivery
/// through the two WebSocket APIs (`PUBLIC_WS_ENDPOINT`, `OPERATOR_WS_ENDPOINT`).
pub async fn chat_deps_from_env() -> Result<Deps, ConfigError> {
    Ok(chat_parts_from_env().await?.deps)
}

/// The chat dependencies and the AWS configuration they were built from (for functions that
/// need more clients), built once.
pub struct ChatParts {
    pub deps: Deps,
    pub sdk: aws_config::SdkConfig,
}

pub async fn chat_parts_from_env() -> Result<ChatParts, ConfigError> {
    let config = ChatConfig::from_env()?;
    let tables = table_names_from_env()?;
    let public = required(PUBLIC_WS_ENDPOINT)?;
    let operator = required(OPERATOR_WS_ENDPOINT)?;
    let sdk = aws().await;
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(&sdk), tables);
    let deliver = ApiGatewayDelivery::from_endpoints(&sdk, &public, &operator);
    Ok(ChatParts {
        deps: Deps {
            store: Arc::new(store),
            deliver: Arc::new(deliver),
            config,
        },
        sdk,
    })
}

/// Report table names from `REPORTS_TABLE` and `AUDIT_TABLE`.
pub fn report_tables_from_env() -> Result<ReportTables, ConfigError> {
    Ok(ReportTables {
        reports: required(tables::REPORTS.env_var)?,
        audit: required(tables::AUDIT.env_var)?,
    })
}

/// The DynamoDB report store, on the tables the environment names.
pub async fn report_store_from_env() -> Result<DynamoReportStore, ConfigError> {
    let tables = report_tables_from_env()?;
    let sdk = aws().await;
    Ok(DynamoReportStore::new(
        aws_sdk_dynamodb::Client::new(&sdk),
        tables,
    ))
}
