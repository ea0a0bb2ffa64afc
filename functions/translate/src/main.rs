//! The `translate` Lambda: the chats table's stream in, messages out to the sockets, in each
//! reader's language; on a schedule, the retry of translations that failed.

use bluelamp::startup::{fatal, StartupProfile};
use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use translate::{invoke, Invocation, TranslateDeps};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let mut profile = StartupProfile::start();
    bluelamp::config::init_tracing();
    profile.mark("tracing");
    let sdk = bluelamp::config::aws()
        .await
        .map_err(fatal("configuration"))?;
    profile.mark("aws_config");
    let chat = bluelamp::bootstrap::chat_deps_with(&sdk).map_err(fatal("configuration"))?;
    profile.mark("chat_clients");
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
