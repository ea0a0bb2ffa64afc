//! The report-intake Lambda: reads its configuration once, builds its dependencies once, then
//! serves the reports REST API.

use bluelamp::bootstrap::{chat_deps_with, report_store_with};
use bluelamp::report::EmergencyCheckOnFirstUse;
use bluelamp::startup::{fatal, StartupProfile};
use lambda_http::{service_fn, Request};
use report_intake::{
    handle, Deps, IntakeConfig, JwtOperatorAuth, MemoryRateLimiter, SignInConfig, SystemClock,
};
use std::convert::Infallible;
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let mut profile = StartupProfile::start();
    bluelamp::config::init_tracing();
    profile.mark("tracing");
    let config = IntakeConfig::from_env().map_err(fatal("configuration"))?;
    let sign_in = SignInConfig::from_env().map_err(fatal("configuration"))?;
    profile.mark("config");
    // One AWS configuration for the report store and the chat service (it was loaded twice).
    let sdk = bluelamp::config::aws()
        .await
        .map_err(fatal("configuration"))?;
    profile.mark("aws_config");
    let store = report_store_with(&sdk).map_err(fatal("configuration"))?;
    profile.mark("report_store");
    let verifier = sign_in
        .cognito
        .verifier()
        .await
        .map_err(fatal("signing keys"))?;
    profile.mark("jwks");
    // "Leave the site" without a socket needs the chat service: on when its tables are given.
    let chats = match bluelamp::config::Env::process().get(bluelamp::store::tables::CHATS.env_var) {
        Some(_) => Some(chat_deps_with(&sdk).map_err(fatal("configuration"))?.deps),
        None => None,
    };
    profile.mark("chat_clients");
    let deps = Deps {
        store: Arc::new(store),
        auth: Arc::new(JwtOperatorAuth::new(verifier).requiring_group(sign_in.required_group)),
        // Compiled on the first report that needs it: operators' reads never do.
        emergency: Arc::new(EmergencyCheckOnFirstUse::default()),
        rate_limit: Arc::new(MemoryRateLimiter::new(
            config.rate_limit,
            config.rate_window,
        )),
        clock: Arc::new(SystemClock),
        config,
        metrics: bluelamp::metrics::Metrics::stdout(),
        chats,
    };
    tracing::info!("report-intake ready");
    profile.ready();
    lambda_http::run(service_fn(|req: Request| {
        let deps = &deps;
        async move { Ok::<_, Infallible>(handle(deps, req).await) }
    }))
    .await
}
