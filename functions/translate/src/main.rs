//! The `translate` Lambda: the chats table's stream in, messages out to the sockets.

use bluelamp::chat::Deps;
use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use translate::handle;

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
