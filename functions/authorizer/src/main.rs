//! Lambda entry point of the operator API's `$connect` authorizer: reads its configuration,
//! fetches the issuer's JWKS once, then answers each request with `authorizer::authorize`.

use authorizer::{authorize, Config};
use aws_lambda_events::apigw::ApiGatewayCustomAuthorizerRequestTypeRequest;
use bluelamp::auth::TokenVerifier;
use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use std::convert::Infallible;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let mut profile = bluelamp::startup::StartupProfile::start();
    lambda_runtime::tracing::init_default_subscriber();
    profile.mark("tracing");

    let config = Config::from_env().map_err(|error| fatal("configuration", error))?;
    profile.mark("config");
    let verifier = TokenVerifier::fetch(config.auth, config.jwks_url.as_deref())
        .await
        .map_err(|error| fatal("signing keys", error))?;
    profile.mark("jwks");
    tracing::info!(
        keys = verifier.jwks().len(),
        issuer = %verifier.config().issuer,
        "authorizer ready"
    );
    profile.ready();
    let verifier = &verifier;

    run(service_fn(
        move |event: LambdaEvent<ApiGatewayCustomAuthorizerRequestTypeRequest>| async move {
            Ok::<_, Infallible>(authorize(verifier, event.payload).await)
        },
    ))
    .await
}

/// Logs why the function cannot start, with the whole cause chain, and hands the error back.
fn fatal(stage: &str, error: impl std::error::Error + Send + Sync + 'static) -> anyhow::Error {
    let error = anyhow::Error::new(error);
    tracing::error!(stage, error = format!("{error:#}"), "cannot start");
    error
}
