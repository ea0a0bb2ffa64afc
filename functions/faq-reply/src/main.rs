//! The `faq-reply` Lambda: the chats table's stream in, the bot's answers stored as messages.

use bluelamp::bootstrap::start_chat_function;
use bluelamp::faq::{EmergencyDetector, FaqBot, KnowledgeBase, PreparedBot};
use bluelamp::startup::{fatal, StartupProfile};
use bluelamp::translation::{amazon_translate_client, AmazonTranslator};
use faq_reply::{handle, FaqDeps};
use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use std::sync::Arc;

/// The bot for the force's knowledge base file (`KB_PATH`), indexed now, or for the shipped
/// one, whose index was built at build time.
fn prepared_bot() -> Result<PreparedBot, Error> {
    Ok(match bluelamp::config::Env::process().get("KB_PATH") {
        Some(path) => FaqBot::prepare(KnowledgeBase::from_path(path.as_ref(), None)?)?,
        None => FaqBot::prepare_default()?,
    })
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let mut profile = StartupProfile::start();
    let (sdk, chat) = start_chat_function(&mut profile).await?;
    // The knowledge base and its topic index, and the emergency phrases, were prepared at
    // build time: loading them takes less than a thread's start, so it runs in line.
    let prepared = prepared_bot().map_err(fatal("topic_index"))?;
    profile.mark("topic_index");
    let detector = EmergencyDetector::new().map_err(fatal("emergency_detector"))?;
    profile.mark("emergency_detector");
    let deps = FaqDeps {
        translator: Arc::new(AmazonTranslator::new(amazon_translate_client(&sdk))),
        ledger: chat.store.clone(),
        slots: chat.store.clone(),
        unanswered: chat.store,
        chat: chat.deps,
        bot: Arc::new(prepared.with_detector(detector)),
    };
    profile.mark("translate_client");
    profile.ready();
    let deps = &deps;
    run(service_fn(|event: LambdaEvent<_>| async move {
        Ok::<_, Error>(handle(deps, event.payload).await)
    }))
    .await
}
