//! Lambda entry point of the operator API's `$connect` authorizer: reads its configuration,
//! fetches the issuer's JWKS once, then answers each request with `authorizer::authorize`.

use authorizer::{authorize, Config};
use aws_lambda_events::apigw::ApiGatewayCustomAuthorizerRequestTypeRequest;
use bluelamp::startup::{fatal, StartupProfile};
use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use std::convert::Infallible;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let mut profile = StartupProfile::start();
    bluelamp::config::init_tracing();
    profile.mark("tracing");

    let config = Config::from_env().map_err(fatal("configuration"))?;
    profile.mark("config");
    let verifier = config.verifier().await.map_err(fatal("signing keys"))?;
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
