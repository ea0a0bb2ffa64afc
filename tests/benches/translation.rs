//! Benchmarks of translation against DESIGN.md's budget: translate calls per message (0 when
//! both sides share a language, 1 per target language otherwise, 0 for a bot answer already
//! cached), counted on the provider; the translate function's time per message with and
//! without translation (the offline stand-in as provider, so this is our own overhead, not a
//! provider's latency); and building the translate function's dependencies (its init, less
//! the Lambda runtime). Medians, since these machines are shared and noisy.
//! Run: `cargo bench -p bluelamp-tests --bench translation`.

use bluelamp::chat::Deps;
use bluelamp::config::ChatConfig;
use bluelamp::domain::*;
use bluelamp::store::{ChatStore, ConnectionStore, MemoryStore};
use bluelamp::translation::{
    InMemoryTranslationCache, OfflineTranslator, RoutingTranslator, Translators,
};
use bluelamp_tests::bench::{figure, median, us, CountingDelivery};
use std::sync::Arc;
use std::time::{Duration, Instant};
use translate::{deliver_message, TranslateDeps};

struct Bench {
    deps: TranslateDeps,
    store: Arc<MemoryStore>,
    provider: Arc<OfflineTranslator>,
    chat: Chat,
}

/// One active chat in `language`, both sides connected.
async fn bench(language: &str) -> Bench {
    let store = Arc::new(MemoryStore::new());
    let provider = Arc::new(OfflineTranslator::new());
    let language = LanguageCode::parse(language).expect("code");
    let op = OperatorId::parse("op").expect("id");
    let chat = Chat::for_test(&format!("chat-{language}"))
        .active("op")
        .language(language.as_str())
        .citizen("citizen=")
        .build();
    store.create_chat(&chat).await.expect("create");
    store
        .put_connection(&Connection::opened(
            ConnectionId::parse("operator=").expect("id"),
            Role::Operator { operator_id: op },
            0,
            2_000_000_000,
        ))
        .await
        .expect("put");
    let deps = TranslateDeps {
        ledger: store.clone(),
        slots: store.clone(),
        chat: Deps::over(
            store.clone(),
            Arc::new(CountingDelivery::default()),
            ChatConfig::default(),
            bluelamp::metrics::Metrics::discard(),
        ),
        translators: Translators::new(
            Arc::new(RoutingTranslator::new(provider.clone(), provider.clone())),
            Arc::new(InMemoryTranslationCache::new()),
            1,
        ),
    };
    Bench {
        deps,
        store,
        provider,
        chat,
    }
}

impl Bench {
    async fn store(&self, sender: Sender, text: &str, language: &str) -> ChatMessage {
        let chat = self
            .store
            .get_chat(&self.chat.id)
            .await
            .expect("get")
            .expect("chat");
        self.store
            .append_message(
                &chat,
                NewMessage::text(
                    sender,
                    &MessageText::parse(text).expect("text"),
                    &LanguageCode::parse(language).expect("code"),
                    None,
                    0,
                ),
            )
            .await
            .expect("append")
            .message
    }

    /// Provider calls per message and the median time of the translate function per message.
    async fn run(
        &self,
        rounds: usize,
        sender: Sender,
        text: &str,
        language: &str,
    ) -> (f64, Duration) {
        let calls_before = self.provider.calls();
        let mut times = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            let m = self.store(sender.clone(), text, language).await;
            let t = Instant::now();
            deliver_message(&self.deps, m).await.expect("deliver");
            times.push(t.elapsed());
        }
        (
            (self.provider.calls() - calls_before) as f64 / rounds as f64,
            median(times),
        )
    }
}

fn operator() -> Sender {
    Sender::Operator {
        operator_id: OperatorId::parse("op").expect("id"),
    }
}

/// Building the translate function's dependencies as `main` does (store, delivery, the
/// Amazon and Google adapters, the DynamoDB cache), from an AWS configuration already loaded.
fn init_time() -> Duration {
    for (k, v) in [
        ("CHATS_TABLE", "chats"),
        ("CONNECTIONS_TABLE", "connections"),
        ("TRANSLATION_CACHE_TABLE", "translation-cache"),
        ("PUBLIC_WS_ENDPOINT", "http://127.0.0.1:9/public"),
        ("OPERATOR_WS_ENDPOINT", "http://127.0.0.1:9/operator"),
        ("GOOGLE_TRANSLATE_API_KEY", "bench-key"),
    ] {
        std::env::set_var(k, v);
    }
    let sdk = bluelamp::config::aws_local(None);
    let mut times = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        let chat = bluelamp::bootstrap::chat_deps_with(&sdk).expect("chat deps");
        let deps = TranslateDeps {
            ledger: chat.store.clone(),
            slots: chat.store,
            chat: chat.deps,
            translators: bluelamp::bootstrap::translators_with(&sdk).expect("translators"),
        };
        times.push(t.elapsed());
        drop(deps);
    }
    median(times)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        const N: usize = 2000;
        let english = bench("en-GB").await;
        let (same_citizen, same_t) = english
            .run(
                N,
                Sender::Citizen,
                "My bike was stolen from the station",
                "en-GB",
            )
            .await;
        let (same_operator, _) = english
            .run(N, operator(), "When did it happen?", "en")
            .await;
        let polish = bench("pl").await;
        let (pl_citizen, pl_t) = polish
            .run(N, Sender::Citizen, "Ukradziono mi rower spod dworca", "pl")
            .await;
        let (pl_operator, _) = polish.run(N, operator(), "When did it happen?", "en").await;
        // The first bot answer is translated; every repeat comes from the cache.
        let (bot_first, _) = polish
            .run(1, Sender::Bot, "If you are in danger now, call 999.", "en")
            .await;
        let (bot_cached, bot_t) = polish
            .run(N, Sender::Bot, "If you are in danger now, call 999.", "en")
            .await;

        println!("translate calls per message (counted on the provider):");
        println!("  same language, citizen / operator:    {same_citizen:.2} / {same_operator:.2}");
        println!("  Polish chat, citizen / operator:      {pl_citizen:.2} / {pl_operator:.2}");
        println!("  bot answer, first / cached repeats:   {bot_first:.2} / {bot_cached:.2}");
        println!("translate function per message (median, offline provider, embedded store):");
        println!("  same language (no translation):       {same_t:?}");
        println!("  translated (1 call, stored, delivered): {pl_t:?}");
        println!("  cached bot answer (to both sides):    {bot_t:?}");
        let init = init_time();
        println!("translate function deps built (init less the runtime, median of 30): {init:?}");
        figure(
            "translation",
            serde_json::json!({
                "calls": {
                    "same_citizen": same_citizen, "same_operator": same_operator,
                    "polish_citizen": pl_citizen, "polish_operator": pl_operator,
                    "bot_first": bot_first, "bot_cached": bot_cached,
                },
                "same_us": us(same_t), "translated_us": us(pl_t), "bot_cached_us": us(bot_t),
                "deps_us": us(init),
            }),
        );
    });
}
