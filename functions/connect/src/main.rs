//! The `connect` Lambda ($connect and $disconnect on both WebSocket APIs).

use bluelamp::chat::Deps;
use connect::handle;
use lambda_runtime::{run, service_fn, Error, LambdaEvent};

#[tokio::main]
async fn main() -> Result<(), Error> {
    bluelamp::config::init_tracing();
    let deps = bluelamp::bootstrap::chat_deps_from_env().await?;
    let deps: &Deps = &deps;
    run(service_fn(|event: LambdaEvent<_>| async move {
        Ok::<_, Error>(handle(deps, event.payload).await)
    }))
    .await
}
