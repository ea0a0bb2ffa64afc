//! End to end over real WebSockets through the local gateway: citizens and operators chat,
//! on the embedded store and on DynamoDB (moto_server).

use bluelamp_tests::{spawn_gateway, spawn_gateway_with, Client, StoreKind};
use serde_json::{json, Value};
use std::time::Duration;

type R = anyhow::Result<()>;

/// The frames that arrive after a short quiet period, for asserting that nothing more came.
const QUIET: Duration = Duration::from_millis(400);

/// Words from a person (not the bot's answers, not events).
fn words_from(v: &Value, role: &str) -> bool {
    v["type"] == "message" && v["text"].is_string() && v["sender"]["role"] == role
}

fn is_event(v: &Value, event: &str) -> bool {
    v["type"] == "message" && v["event"]["event"] == event
}

async fn a_citizen_and_operators_hold_a_whole_conversation(kind: StoreKind) -> R {
    let gw = spawn_gateway(kind).await;
    let mut citizen = Client::citizen(&gw).await?;
    let mut alice = Client::operator(&gw, "alice").await?;
    alice.send(json!({"action": "hello"})).await?;
    let ready = alice.expect("operator_ready").await?;
    assert_eq!(ready["operatorId"], "alice");
    assert_eq!(ready["queue"], json!([]));

    let (chat, _token) = citizen.start_chat().await?;
    let ack = citizen.say(None, "c1", "hello, is anyone there?").await?;
    assert_eq!(ack["seq"], 1);
    assert_eq!(ack["duplicate"], false);

    citizen.send(json!({"action": "request_operator"})).await?;
    let queued = citizen.expect("queued").await?;
    assert_eq!(queued["position"], 1);
    assert!(queued["estimatedWaitSeconds"].as_u64().unwrap_or(0) > 0);
    assert!(queued["reportUrl"].as_str().is_some());
    let queue = alice
        .expect_where("queue with the chat", |v| {
            v["type"] == "queue" && v["entries"][0]["chatId"] == chat
        })
        .await?;
    assert_eq!(queue["entries"][0]["priority"], "normal");

    alice
        .send(json!({"action": "claim", "chatId": chat}))
        .await?;
    let claimed = alice.expect("claimed").await?;
    assert_eq!(claimed["chat"]["chatId"], chat);
    assert_eq!(claimed["transcript"][0]["text"], "hello, is anyone there?");
    let joined = citizen
        .expect_where("operator_joined", |v| is_event(v, "operator_joined"))
        .await?;
    assert_eq!(joined["event"]["operatorId"], "alice");

    citizen
        .say(None, "c2", "my bike was stolen from the station")
        .await?;
    let got = alice
        .expect_where("the citizen's message", |v| words_from(v, "citizen"))
        .await?;
    assert_eq!(got["text"], "my bike was stolen from the station");
    assert_eq!(got["chatId"], chat);
    assert_eq!(got["sender"]["role"], "citizen");

    alice
        .say(
            Some(&chat),
            "o1",
            "I'm sorry to hear that. When did it happen?",
        )
        .await?;
    let reply = citizen
        .expect_where("the operator's reply", |v| words_from(v, "operator"))
        .await?;
    assert_eq!(reply["text"], "I'm sorry to hear that. When did it happen?");
    assert_eq!(reply["sender"]["role"], "operator");

    // Alice hands the chat back; Bob takes it.
    alice
        .send(json!({"action": "hand_back", "chatId": chat}))
        .await?;
    alice.expect("handed_back").await?;
    citizen
        .expect_where("handed_back", |v| is_event(v, "handed_back"))
        .await?;
    let mut bob = Client::operator(&gw, "bob").await?;
    bob.send(json!({"action": "hello"})).await?;
    let ready = bob.expect("operator_ready").await?;
    assert_eq!(ready["queue"][0]["chatId"], chat);
    bob.send(json!({"action": "claim", "chatId": chat})).await?;
    bob.expect("claimed").await?;
    // Alice no longer holds it.
    alice
        .send(
            json!({"action": "send", "chatId": chat, "clientMessageId": "o2", "text": "still me"}),
        )
        .await?;
    alice.expect_error("not_your_chat").await?;

    // The citizen leaves in a hurry: Bob is told how the chat ended.
    citizen
        .send(json!({"action": "leave", "quick": true}))
        .await?;
    let ended = citizen.expect("chat_ended").await?;
    assert_eq!(ended["reason"], "quick_exit");
    let told = bob.expect_where("ended", |v| is_event(v, "ended")).await?;
    assert_eq!(told["event"]["reason"], "quick_exit");
    citizen
        .send(json!({"action": "send", "clientMessageId": "c3", "text": "one more"}))
        .await?;
    citizen.expect_error("chat_ended").await?;
    gw.stop().await;
    Ok(())
}

async fn an_operator_holds_several_chats_and_each_reply_reaches_its_own_citizen(
    kind: StoreKind,
) -> R {
    let gw = spawn_gateway(kind).await;
    let mut op = Client::operator(&gw, "carol").await?;
    let mut one = Client::citizen(&gw).await?;
    let mut two = Client::citizen(&gw).await?;
    let (chat1, _) = one.start_chat().await?;
    let (chat2, _) = two.start_chat().await?;
    for c in [&mut one, &mut two] {
        c.send(json!({"action": "request_operator"})).await?;
        c.expect("queued").await?;
    }
    for chat in [&chat1, &chat2] {
        op.send(json!({"action": "claim", "chatId": chat})).await?;
        op.expect_where("claimed", |v| {
            v["type"] == "claimed" && v["chat"]["chatId"] == *chat
        })
        .await?;
    }
    op.say(Some(&chat2), "a", "for two").await?;
    op.say(Some(&chat1), "b", "for one").await?;
    let m1 = one
        .expect_where("text", |v| words_from(v, "operator"))
        .await?;
    let m2 = two
        .expect_where("text", |v| words_from(v, "operator"))
        .await?;
    assert_eq!(m1["text"], "for one");
    assert_eq!(m2["text"], "for two");
    op.send(json!({"action": "hello"})).await?;
    let ready = op.expect("operator_ready").await?;
    assert_eq!(ready["chats"].as_array().map(Vec::len), Some(2));
    op.send(json!({"action": "end", "chatId": chat1})).await?;
    op.expect("chat_ended").await?;
    let ended = one.expect_where("ended", |v| is_event(v, "ended")).await?;
    assert_eq!(ended["event"]["reason"], "operator_ended");
    // Nothing of chat one reached citizen two.
    let rest = two.drain(QUIET).await?;
    assert!(rest.iter().all(|f| f["chatId"] != chat1), "{rest:?}");
    gw.stop().await;
    Ok(())
}

async fn twenty_operators_claim_one_chat_and_exactly_one_wins(kind: StoreKind) -> R {
    let gw = spawn_gateway(kind).await;
    let mut citizen = Client::citizen(&gw).await?;
    let (chat, _) = citizen.start_chat().await?;
    citizen.send(json!({"action": "request_operator"})).await?;
    citizen.expect("queued").await?;
    let mut ops = Vec::new();
    for i in 0..20 {
        ops.push(Client::operator(&gw, &format!("op{i}")).await?);
    }
    // Every claim is on the wire before any answer is read.
    for op in ops.iter_mut() {
        op.send(json!({"action": "claim", "chatId": chat})).await?;
    }
    let mut won = 0;
    let mut refused = 0;
    for op in ops.iter_mut() {
        let v = op
            .expect_where("claim answer", |v| {
                v["type"] == "claimed" || v["type"] == "error"
            })
            .await?;
        match v["type"].as_str() {
            Some("claimed") => won += 1,
            _ => {
                assert!(
                    v["code"] == "already_claimed" || v["code"] == "not_waiting",
                    "{v}"
                );
                refused += 1;
            }
        }
    }
    assert_eq!((won, refused), (1, 19));
    let joined = citizen
        .expect_where("operator_joined", |v| is_event(v, "operator_joined"))
        .await?;
    assert!(joined["event"]["operatorId"].as_str().is_some());
    let more: Vec<_> = citizen
        .drain(QUIET)
        .await?
        .into_iter()
        .filter(|v| is_event(v, "operator_joined"))
        .collect();
    assert!(
        more.is_empty(),
        "the citizen heard of more than one operator: {more:?}"
    );
    gw.stop().await;
    Ok(())
}

async fn a_retried_send_is_stored_and_delivered_once(kind: StoreKind) -> R {
    let gw = spawn_gateway(kind).await;
    let mut citizen = Client::citizen(&gw).await?;
    let mut op = Client::operator(&gw, "dan").await?;
    let (chat, _) = citizen.start_chat().await?;
    citizen.send(json!({"action": "request_operator"})).await?;
    citizen.expect("queued").await?;
    op.send(json!({"action": "claim", "chatId": chat})).await?;
    op.expect("claimed").await?;
    let first = citizen.say(None, "same-id", "are you there?").await?;
    let second = citizen.say(None, "same-id", "are you there?").await?;
    assert_eq!(first["seq"], second["seq"]);
    assert_eq!(second["duplicate"], true);
    op.expect_where("the message", |v| {
        v["type"] == "message" && v["text"] == "are you there?"
    })
    .await?;
    let again: Vec<_> = op
        .drain(QUIET)
        .await?
        .into_iter()
        .filter(|v| v["text"] == "are you there?")
        .collect();
    assert!(again.is_empty(), "delivered twice: {again:?}");
    op.send(json!({"action": "history", "chatId": chat}))
        .await?;
    let h = op.expect("history").await?;
    let copies = h["messages"]
        .as_array()
        .map(|m| m.iter().filter(|x| x["text"] == "are you there?").count());
    assert_eq!(copies, Some(1));
    gw.stop().await;
    Ok(())
}

async fn a_citizen_who_drops_resumes_and_misses_nothing(kind: StoreKind) -> R {
    let gw = spawn_gateway(kind).await;
    let mut citizen = Client::citizen(&gw).await?;
    let mut op = Client::operator(&gw, "erin").await?;
    let (chat, token) = citizen.start_chat().await?;
    citizen.send(json!({"action": "request_operator"})).await?;
    citizen.expect("queued").await?;
    op.send(json!({"action": "claim", "chatId": chat})).await?;
    op.expect("claimed").await?;
    let joined = citizen
        .expect_where("operator_joined", |v| is_event(v, "operator_joined"))
        .await?;
    let last_seen = joined["seq"].as_u64().unwrap_or(0);

    citizen.drop_connection();
    op.expect_where("citizen_disconnected", |v| {
        is_event(v, "citizen_disconnected")
    })
    .await?;
    for (i, text) in [
        "are you still there?",
        "I can see you went offline",
        "come back when you can",
    ]
    .iter()
    .enumerate()
    {
        op.say(Some(&chat), &format!("o{i}"), text).await?;
    }

    let mut back = Client::citizen(&gw).await?;
    back.send(json!({"action": "resume", "resumeToken": token, "afterSeq": last_seen}))
        .await?;
    let resumed = back.expect("resumed").await?;
    assert_eq!(resumed["chatId"], chat);
    assert_eq!(resumed["state"], "active");
    let texts: Vec<&str> = resumed["missed"]
        .as_array()
        .map(|m| m.iter().filter_map(|x| x["text"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        texts,
        vec![
            "are you still there?",
            "I can see you went offline",
            "come back when you can"
        ]
    );
    op.expect_where("citizen_returned", |v| is_event(v, "citizen_returned"))
        .await?;
    back.say(None, "c9", "sorry, my battery died").await?;
    op.expect_where("after resume", |v| v["text"] == "sorry, my battery died")
        .await?;
    op.say(Some(&chat), "o9", "no problem").await?;
    back.expect_where("reply after resume", |v| v["text"] == "no problem")
        .await?;

    // A wrong token gets nothing.
    let mut thief = Client::citizen(&gw).await?;
    let forged = format!("{chat}.{}", "A".repeat(43));
    thief
        .send(json!({"action": "resume", "resumeToken": forged}))
        .await?;
    thief.expect_error("invalid_resume_token").await?;

    // Once the chat has ended, the right token resumes nothing: it says the chat has ended.
    back.send(json!({"action": "leave"})).await?;
    back.expect("chat_ended").await?;
    let mut late = Client::citizen(&gw).await?;
    late.send(json!({"action": "resume", "resumeToken": token}))
        .await?;
    late.expect_error("chat_ended").await?;
    gw.stop().await;
    Ok(())
}

async fn bad_input_gets_typed_errors_and_loses_nothing(kind: StoreKind) -> R {
    let gw = spawn_gateway(kind).await;
    let mut citizen = Client::citizen(&gw).await?;
    let mut other = Client::citizen(&gw).await?;
    citizen
        .send(json!({"action": "send", "clientMessageId": "x", "text": "too early"}))
        .await?;
    citizen.expect_error("no_chat").await?;
    let (chat, _) = citizen.start_chat().await?;
    let (other_chat, _) = other.start_chat().await?;
    citizen.say(None, "keep", "this must survive").await?;

    citizen.send_raw("this is not json").await?;
    citizen.expect_error("invalid_json").await?;
    citizen.send(json!({"action": "teleport"})).await?;
    citizen.expect_error("unknown_action").await?;
    citizen.send(json!({"text": "no action"})).await?;
    citizen.expect_error("unknown_action").await?;
    let long = "x".repeat(2001);
    citizen
        .send(json!({"action": "send", "clientMessageId": "l", "text": long}))
        .await?;
    citizen.expect_error("text_too_long").await?;
    citizen
        .send(json!({"action": "send", "clientMessageId": "e", "text": "   "}))
        .await?;
    citizen.expect_error("empty_text").await?;
    let huge = json!({"action": "send", "clientMessageId": "h", "text": "y".repeat(40_000)});
    citizen.send(huge).await?;
    citizen.expect_error("frame_too_large").await?;
    citizen
        .send(json!({"action": "send", "clientMessageId": "bad id!", "text": "hi"}))
        .await?;
    citizen.expect_error("invalid_frame").await?;
    citizen
        .send(
            json!({"action": "send", "chatId": other_chat, "clientMessageId": "s", "text": "psst"}),
        )
        .await?;
    citizen.expect_error("not_your_chat").await?;
    citizen
        .send(json!({"action": "history", "chatId": other_chat}))
        .await?;
    citizen.expect_error("not_your_chat").await?;
    citizen
        .send(json!({"action": "claim", "chatId": other_chat}))
        .await?;
    citizen.expect_error("forbidden").await?;
    citizen.send(json!({"action": "hello"})).await?;
    citizen.expect_error("forbidden").await?;
    citizen.send(json!({"action": "start"})).await?;
    citizen.expect_error("chat_already_started").await?;

    let mut op = Client::operator(&gw, "frank").await?;
    op.send(json!({"action": "send", "chatId": chat, "clientMessageId": "o", "text": "not mine"}))
        .await?;
    op.expect_error("not_your_chat").await?;
    op.send(json!({"action": "start"})).await?;
    op.expect_error("forbidden").await?;
    op.send(json!({"action": "claim", "chatId": chat})).await?;
    op.expect_error("not_waiting").await?;

    // Nothing was lost and nothing crossed over.
    citizen.send(json!({"action": "history"})).await?;
    let h = citizen.expect("history").await?;
    let texts: Vec<&str> = h["messages"]
        .as_array()
        .map(|m| {
            m.iter()
                .filter(|x| x["sender"]["role"] == "citizen")
                .filter_map(|x| x["text"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(texts, vec!["this must survive"]);
    other.send(json!({"action": "history"})).await?;
    let h = other.expect("history").await?;
    assert_eq!(h["messages"], json!([]));
    assert!(other.drain(QUIET).await?.is_empty());
    // And the socket still works.
    citizen.send(json!({"action": "ping"})).await?;
    citizen.expect("pong").await?;
    gw.stop().await;
    Ok(())
}

async fn a_flood_of_frames_is_rate_limited(kind: StoreKind) -> R {
    let gw = spawn_gateway_with(kind, |c| {
        c.chat.rate_limit.max = 5;
        c.chat.rate_limit.window_secs = 60;
    })
    .await;
    let mut citizen = Client::citizen(&gw).await?;
    for _ in 0..8 {
        citizen.send(json!({"action": "ping"})).await?;
    }
    let frames = citizen.drain(Duration::from_millis(800)).await?;
    let pongs = frames.iter().filter(|f| f["type"] == "pong").count();
    let limited = frames
        .iter()
        .filter(|f| f["code"] == "rate_limited")
        .count();
    // The window may roll over once during the test.
    assert!(
        (5..=8).contains(&pongs) && pongs + limited == 8,
        "{frames:?}"
    );
    assert!(limited >= 1 || pongs > 5, "{frames:?}");
    gw.stop().await;
    Ok(())
}

async fn the_operator_api_refuses_sockets_without_a_valid_token(kind: StoreKind) -> R {
    let gw = spawn_gateway(kind).await;
    let base = format!("ws://{}/operator", gw.addr);
    assert!(Client::connect(&base).await.is_err());
    assert!(Client::connect(&format!("{base}?token=not.a.jwt"))
        .await
        .is_err());
    assert!(Client::operator(&gw, "grace").await.is_ok());
    // A valid token given twice (or beside another) is refused, as API Gateway's query maps
    // carry both values to the authorizer.
    let token = gw.operator_token("grace")?;
    let good = gw.operator_ws_url(&token);
    assert!(Client::connect(&format!("{good}&token={token}"))
        .await
        .is_err());
    assert!(Client::connect(&format!("{good}&token=not.a.jwt"))
        .await
        .is_err());
    assert!(
        Client::connect(&format!("{base}?token=not.a.jwt&token={token}"))
            .await
            .is_err()
    );
    assert!(Client::connect(&good).await.is_ok());
    gw.stop().await;
    Ok(())
}

bluelamp_tests::both_stores!(
    a_citizen_and_operators_hold_a_whole_conversation,
    an_operator_holds_several_chats_and_each_reply_reaches_its_own_citizen,
    twenty_operators_claim_one_chat_and_exactly_one_wins,
    a_retried_send_is_stored_and_delivered_once,
    a_citizen_who_drops_resumes_and_misses_nothing,
    bad_input_gets_typed_errors_and_loses_nothing,
    a_flood_of_frames_is_rate_limited,
    the_operator_api_refuses_sockets_without_a_valid_token,
);
