//! The `translate` Lambda: the chats table's stream in, messages out to the sockets, in each
//! reader's language; on a schedule, the retry of translations that failed.

use bluelamp::bootstrap::start_chat_function;
use bluelamp::startup::{fatal, StartupProfile};
use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use translate::{invoke, Invocation, TranslateDeps};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let mut profile = StartupProfile::start();
    let (sdk, chat) = start_chat_function(&mut profile).await?;
    let translators =
        bluelamp::bootstrap::translators_with(&sdk).map_err(fatal("configuration"))?;
    profile.mark("translation_clients");
    let deps = TranslateDeps {
        ledger: chat.store.clone(),
        slots: chat.store,
        chat: chat.deps,
        translators,
    };
    profile.ready();
    let deps = &deps;
    run(service_fn(
        |event: LambdaEvent<serde_json::Value>| async move {
            let invocation = Invocation::parse(event.payload)?;
            Ok::<_, Error>(invoke(deps, invocation).await)
        },
    ))
    .await
}
