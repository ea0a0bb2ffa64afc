//! The FAQ bot on the local gateway: signposts, the 999 advice with the queue jump, the
//! operator seeing why, and the unanswered list — on both stores.

use bluelamp_tests::{spawn_gateway, Client, StoreKind};
use serde_json::{json, Value};

type R = anyhow::Result<()>;

fn from_bot(v: &Value) -> bool {
    v["type"] == "message" && v["sender"]["role"] == "bot"
}

async fn a_citizen_gets_a_signpost_and_an_emergency_jumps_the_queue(kind: StoreKind) -> R {
    let gw = spawn_gateway(kind).await;
    let mut op = Client::operator(&gw, "alice").await?;

    let mut first = Client::citizen(&gw).await?;
    let (first_chat, _) = first.start_chat().await?;
    first
        .say(None, "q1", "How do I report a crime online?")
        .await?;
    let answer = first.expect_where("the bot's answer", from_bot).await?;
    let links = answer["bot"]["links"].to_string() + answer["text"].as_str().unwrap_or_default();
    assert!(links.contains("/report"), "{answer}");
    assert_eq!(answer["bot"]["emergency"], false);
    first.send(json!({"action": "request_operator"})).await?;
    first.expect("queued").await?;

    let mut second = Client::citizen(&gw).await?;
    let (second_chat, _) = second.start_chat().await?;
    second
        .say(None, "q1", "someone is breaking into my house right now")
        .await?;
    let advice = second.expect_where("the 999 advice", from_bot).await?;
    assert_eq!(advice["bot"]["emergency"], true);
    assert!(advice["text"].as_str().unwrap_or_default().contains("999"));
    let queued = second.expect("queued").await?;
    assert_eq!(queued["position"], 1, "the emergency goes first");

    let queue = op
        .expect_where("the queue with both", |v| {
            v["type"] == "queue" && v["entries"].as_array().is_some_and(|e| e.len() == 2)
        })
        .await?;
    assert_eq!(queue["entries"][0]["chatId"], second_chat);
    assert_eq!(queue["entries"][0]["priority"], "emergency");
    assert!(queue["entries"][0]["emergencyReason"].is_string());
    assert_eq!(queue["entries"][1]["chatId"], first_chat);

    // The operator who claims it sees what the bot said.
    op.send(json!({"action": "claim", "chatId": second_chat}))
        .await?;
    let claimed = op.expect("claimed").await?;
    let transcript = claimed["transcript"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(transcript
        .iter()
        .any(|m| m["sender"]["role"] == "bot" && m["bot"]["emergency"] == true));
    gw.stop().await;
    Ok(())
}

async fn operators_see_what_the_bot_could_not_answer(kind: StoreKind) -> R {
    let gw = spawn_gateway(kind).await;
    let mut citizen = Client::citizen(&gw).await?;
    citizen.start_chat().await?;
    citizen
        .say(None, "q1", "what about the thing with the quantum llama")
        .await?;
    let reply = citizen.expect_where("the bot's reply", from_bot).await?;
    assert_eq!(reply["bot"]["offerOperator"], true);
    let mut op = Client::operator(&gw, "bob").await?;
    let mut entries = Vec::new();
    for _ in 0..20 {
        op.send(json!({"action": "unanswered"})).await?;
        let list = op.expect("unanswered").await?;
        entries = list["entries"].as_array().cloned().unwrap_or_default();
        if !entries.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert!(entries[0]["keywords"].to_string().contains("llama"));
    citizen.send(json!({"action": "unanswered"})).await?;
    citizen.expect_error("forbidden").await?;
    gw.stop().await;
    Ok(())
}

bluelamp_tests::both_stores!(
    a_citizen_gets_a_signpost_and_an_emergency_jumps_the_queue,
    operators_see_what_the_bot_could_not_answer,
);
