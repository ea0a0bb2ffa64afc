//! The `connect` Lambda ($connect and $disconnect on both WebSocket APIs).

use bluelamp::bootstrap::start_chat_function;
use bluelamp::chat::Deps;
use bluelamp::startup::StartupProfile;
use connect::handle;
use lambda_runtime::{run, service_fn, Error, LambdaEvent};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let mut profile = StartupProfile::start();
    let (_, chat) = start_chat_function(&mut profile).await?;
    let deps = chat.deps;
    profile.ready();
    let deps: &Deps = &deps;
    run(service_fn(|event: LambdaEvent<_>| async move {
        Ok::<_, Error>(handle(deps, event.payload).await)
    }))
    .await
}
