//! The `connect` Lambda ($connect and $disconnect on both WebSocket APIs).

use bluelamp::chat::Deps;
use bluelamp::startup::{fatal, StartupProfile};
use connect::handle;
use lambda_runtime::{run, service_fn, Error, LambdaEvent};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let mut profile = StartupProfile::start();
    bluelamp::config::init_tracing();
    profile.mark("tracing");
    let sdk = bluelamp::config::aws()
        .await
        .map_err(fatal("configuration"))?;
    profile.mark("aws_config");
    let deps = bluelamp::bootstrap::chat_deps_with(&sdk)
        .map_err(fatal("configuration"))?
        .deps;
    profile.mark("chat_clients");
    profile.ready();
    let deps: &Deps = &deps;
    run(service_fn(|event: LambdaEvent<_>| async move {
        Ok::<_, Error>(handle(deps, event.payload).await)
    }))
    .await
}
