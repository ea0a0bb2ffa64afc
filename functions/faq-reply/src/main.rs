//! The `faq-reply` Lambda: the chats table's stream in, the bot's answers stored as messages.

use bluelamp::faq::{EmergencyDetector, FaqBot, KnowledgeBase};
use bluelamp::translation::{amazon_translate_client, AmazonTranslator};
use faq_reply::{handle, FaqDeps};
use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use std::sync::Arc;

/// The force's knowledge base file (`KB_PATH`), or the default one.
fn knowledge_base() -> Result<KnowledgeBase, Error> {
    Ok(match std::env::var("KB_PATH") {
        Ok(path) if !path.is_empty() => KnowledgeBase::from_path(path.as_ref(), None)?,
        _ => KnowledgeBase::default_kb()?,
    })
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    bluelamp::config::init_tracing();
    // The start-up work runs side by side: the emergency phrases and the topic index on two
    // threads while the AWS clients are set up.
    let detector = std::thread::spawn(EmergencyDetector::new);
    let prepared =
        std::thread::spawn(|| -> Result<_, Error> { Ok(FaqBot::prepare(knowledge_base()?)?) });
    let sdk = bluelamp::config::aws().await;
    let chat = bluelamp::bootstrap::chat_deps_with(&sdk)?;
    let prepared = prepared
        .join()
        .map_err(|_| "building the topic index panicked")??;
    let detector = detector
        .join()
        .map_err(|_| "building the emergency detector panicked")??;
    let bot = prepared.with_detector(detector);
    let deps = FaqDeps {
        translator: Arc::new(AmazonTranslator::new(amazon_translate_client(&sdk))),
        chat,
        bot: Arc::new(bot),
    };
    let deps = &deps;
    run(service_fn(|event: LambdaEvent<_>| async move {
        Ok::<_, Error>(handle(deps, event.payload).await)
    }))
    .await
}
