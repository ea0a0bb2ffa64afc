//! The `message` Lambda: configuration and clients once, then every frame to the library.

use bluelamp::bootstrap::start_chat_function;
use bluelamp::startup::{fatal, StartupProfile};
use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use message::{handle, MessageDeps};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let mut profile = StartupProfile::start();
    let (sdk, chat) = start_chat_function(&mut profile).await?;
    let preview =
        bluelamp::bootstrap::translation_provider_with(&sdk).map_err(fatal("configuration"))?;
    profile.mark("translation_clients");
    let deps = MessageDeps {
        feedback: chat.store.clone(),
        unanswered: chat.store,
        chat: chat.deps,
        preview,
    };
    profile.ready();
    let deps = &deps;
    run(service_fn(|event: LambdaEvent<_>| async move {
        Ok::<_, Error>(handle(deps, event.payload).await)
    }))
    .await
}
