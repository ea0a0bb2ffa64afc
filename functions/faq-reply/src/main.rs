//! The `faq-reply` Lambda: the chats table's stream in, the bot's answers stored as messages.

use bluelamp::faq::{FaqBot, KnowledgeBase};
use bluelamp::translation::{amazon_translate_client, AmazonTranslator};
use faq_reply::{handle, FaqDeps};
use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use std::sync::Arc;

/// The bot from the force's knowledge base file (`KB_PATH`), or the default one.
fn build_bot() -> Result<FaqBot, Error> {
    let kb = match std::env::var("KB_PATH") {
        Ok(path) if !path.is_empty() => KnowledgeBase::from_path(path.as_ref(), None)?,
        _ => KnowledgeBase::default_kb()?,
    };
    Ok(FaqBot::new(kb)?)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    bluelamp::config::init_tracing();
    // The bot's index is built on another core while the AWS clients are set up.
    let bot = std::thread::spawn(build_bot);
    let sdk = bluelamp::config::aws().await;
    let chat = bluelamp::bootstrap::chat_deps_with(&sdk)?;
    let bot = bot.join().map_err(|_| "building the FAQ bot panicked")??;
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
