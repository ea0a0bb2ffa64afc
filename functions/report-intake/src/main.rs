//! The report-intake Lambda: reads its configuration once, builds its dependencies once, then
//! serves the reports REST API.

use bluelamp::report::{MemoryReportStore, PhraseEmergencyCheck};
use lambda_http::{service_fn, Request};
use report_intake::{handle, DenyAllOperators, Deps, IntakeConfig, MemoryRateLimiter, SystemClock};
use std::convert::Infallible;
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let config = match IntakeConfig::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("report-intake: configuration: {e}");
            std::process::exit(1);
        }
    };
    let deps = Deps {
        // TODO(storage): the DynamoDB report store does not exist yet. This placeholder keeps
        // reports in this instance's memory only: they are lost when it stops, and another
        // instance cannot see them. Do not deploy it for real use.
        store: Arc::new(MemoryReportStore::new()),
        // TODO(auth): plug in the Cognito JWT verifier from `bluelamp::auth`; until then no
        // token is accepted and the operator endpoints answer 401.
        auth: Arc::new(DenyAllOperators),
        // TODO(faq): plug in the FAQ bot's emergency detector from `bluelamp::faq`.
        emergency: Arc::new(PhraseEmergencyCheck),
        rate_limit: Arc::new(MemoryRateLimiter::new(
            config.rate_limit,
            config.rate_window,
        )),
        clock: Arc::new(SystemClock),
        config,
    };
    tracing::info!("report-intake ready");
    lambda_http::run(service_fn(|req: Request| {
        let deps = &deps;
        async move { Ok::<_, Infallible>(handle(deps, req).await) }
    }))
    .await
}
