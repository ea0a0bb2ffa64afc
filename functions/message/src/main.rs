//! The `message` Lambda: configuration and clients once, then every frame to the library.

use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use message::{handle, MessageDeps};

#[tokio::main]
async fn main() -> Result<(), Error> {
    bluelamp::config::init_tracing();
    let sdk = bluelamp::config::aws().await;
    let deps = MessageDeps {
        chat: bluelamp::bootstrap::chat_deps_with(&sdk)?,
        preview: bluelamp::bootstrap::translation_provider_with(&sdk)?,
    };
    let deps = &deps;
    run(service_fn(|event: LambdaEvent<_>| async move {
        Ok::<_, Error>(handle(deps, event.payload).await)
    }))
    .await
}
