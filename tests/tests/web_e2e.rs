//! What the web pages added to the protocol, end to end over real WebSockets and HTTP through
//! the local gateway, on the embedded store and on DynamoDB (moto_server): typing and seen,
//! feedback, presence and the honest estimate, the supervisor view, who won a claim, the quick
//! exit by beacon; and the pages themselves as the gateway serves them.

use bluelamp_tests::{spawn_gateway, spawn_gateway_with, Client, StoreKind};
use serde_json::{json, Value};
use std::time::Duration;

type R = anyhow::Result<()>;

const QUIET: Duration = Duration::from_millis(400);

async fn supervisor(gw: &bluelamp_local::Running, name: &str) -> anyhow::Result<Client> {
    let token = gw.identity.issue_access_token_in(
        name,
        &["supervisors".to_owned()],
        bluelamp_local::idp::TOKEN_TTL,
    )?;
    Client::connect(&gw.operator_ws_url(&token)).await
}

/// A citizen's chat that `operator` has claimed; returns the chat id.
async fn claimed_chat(citizen: &mut Client, operator: &mut Client) -> anyhow::Result<String> {
    let (chat, _) = citizen.start_chat().await?;
    citizen.send(json!({"action": "request_operator"})).await?;
    citizen.expect("queued").await?;
    operator
        .send(json!({"action": "claim", "chatId": chat}))
        .await?;
    operator.expect("claimed").await?;
    Ok(chat)
}

async fn typing_and_seen_pass_both_ways_and_are_never_stored(kind: StoreKind) -> R {
    let gw = spawn_gateway(kind).await;
    let mut citizen = Client::citizen(&gw).await?;
    let mut alice = Client::operator(&gw, "alice").await?;
    // Before anyone holds the chat, the citizen's typing reaches nobody.
    citizen.start_chat().await?;
    citizen
        .send(json!({"action": "typing", "typing": true}))
        .await?;
    let early = alice.drain(QUIET).await?;
    assert!(early.iter().all(|f| f["type"] != "typing"), "{early:?}");
    citizen.send(json!({"action": "leave"})).await?;
    citizen.expect("chat_ended").await?;

    let chat = claimed_chat(&mut citizen, &mut alice).await?;
    citizen
        .send(json!({"action": "typing", "typing": true}))
        .await?;
    let typing = alice.expect("typing").await?;
    assert_eq!(
        typing,
        json!({"v": 1, "type": "typing", "chatId": chat, "from": "citizen", "typing": true})
    );
    alice
        .send(json!({"action": "typing", "chatId": chat, "typing": true}))
        .await?;
    let typing = citizen.expect("typing").await?;
    assert_eq!(typing["from"], "operator");
    assert_eq!(typing["typing"], true);

    let ack = alice.say(Some(&chat), "o1", "Hello, I'm Alice").await?;
    let seq = ack["seq"].as_u64().unwrap_or(0);
    citizen.send(json!({"action": "seen", "seq": seq})).await?;
    let seen = alice.expect("seen").await?;
    assert_eq!(seen["from"], "citizen");
    assert_eq!(seen["seq"], seq);
    // A seq past the end is read as the last one: nothing can be "seen" that was not sent.
    alice
        .send(json!({"action": "seen", "chatId": chat, "seq": 9999}))
        .await?;
    let seen = citizen.expect("seen").await?;
    assert!(
        seen["seq"].as_u64().unwrap_or(u64::MAX) <= seq + 2,
        "{seen}"
    );

    // Never stored: the transcript holds words and events only.
    citizen
        .send(json!({"action": "history", "afterSeq": 0}))
        .await?;
    let history = citizen.expect("history").await?;
    let stored = history["messages"].as_array().cloned().unwrap_or_default();
    assert!(stored
        .iter()
        .all(|m| m["text"].is_string() || m["event"].is_object()));
    assert!(!history.to_string().contains("typing"), "{history}");

    // Another operator cannot type into alice's chat.
    let mut bob = Client::operator(&gw, "bob").await?;
    bob.send(json!({"action": "typing", "chatId": chat, "typing": true}))
        .await?;
    bob.expect_error("not_your_chat").await?;
    gw.stop().await;
    Ok(())
}

async fn feedback_is_counted_once_per_ended_chat_and_seen_only_by_supervisors(
    kind: StoreKind,
) -> R {
    let gw = spawn_gateway(kind).await;
    let mut citizen = Client::citizen(&gw).await?;
    let mut alice = Client::operator(&gw, "alice").await?;
    let chat = claimed_chat(&mut citizen, &mut alice).await?;

    citizen
        .send(json!({"action": "feedback", "rating": 4}))
        .await?;
    citizen.expect_error("forbidden").await?;
    citizen
        .send(json!({"action": "feedback", "rating": 0}))
        .await?;
    citizen.expect_error("invalid_frame").await?;

    alice.send(json!({"action": "end", "chatId": chat})).await?;
    alice.expect("chat_ended").await?;
    citizen
        .send(json!({"action": "feedback", "rating": 4}))
        .await?;
    let received = citizen.expect("feedback_received").await?;
    assert_eq!(received["chatId"], chat);
    // A second rating of the same chat is answered alike and counts nothing.
    citizen
        .send(json!({"action": "feedback", "rating": 1}))
        .await?;
    citizen.expect("feedback_received").await?;

    alice.send(json!({"action": "stats"})).await?;
    alice.expect_error("forbidden").await?;
    let mut sue = supervisor(&gw, "sue").await?;
    sue.send(json!({"action": "hello"})).await?;
    let ready = sue.expect("operator_ready").await?;
    assert_eq!(ready["supervisor"], true);
    assert_eq!(ready["presence"], "available");
    sue.send(json!({"action": "stats"})).await?;
    let stats = sue.expect("stats").await?;
    assert_eq!(
        stats["feedback"],
        json!({"1": 0, "2": 0, "3": 0, "4": 1, "5": 0})
    );
    assert_eq!(stats["operatorsOnline"], 2);
    assert_eq!(stats["waiting"], 0);
    let loads = stats["chatsPerOperator"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        loads.contains(&json!({"operatorId": "alice", "chats": 0})),
        "{loads:?}"
    );
    gw.stop().await;
    Ok(())
}

async fn with_every_operator_away_the_queue_gives_no_estimate_until_one_is_available(
    kind: StoreKind,
) -> R {
    let gw = spawn_gateway(kind).await;
    let mut alice = Client::operator(&gw, "alice").await?;
    alice
        .send(json!({"action": "set_presence", "presence": "away"}))
        .await?;
    assert_eq!(
        alice.expect("presence_set").await?["presence"],
        json!("away")
    );
    let mut citizen = Client::citizen(&gw).await?;
    citizen.send(json!({"action": "start"})).await?;
    let started = citizen.expect("chat_started").await?;
    assert_eq!(started["operatorsAvailable"], 0);
    assert_eq!(started["staffed"], true);

    citizen.send(json!({"action": "request_operator"})).await?;
    let queued = citizen.expect("queued").await?;
    assert_eq!(queued["operatorsAvailable"], 0);
    assert!(queued.get("estimatedWaitSeconds").is_none(), "{queued}");

    // Alice comes back: the waiting citizen hears it, with an estimate.
    alice
        .send(json!({"action": "set_presence", "presence": "available"}))
        .await?;
    alice.expect("presence_set").await?;
    let queued = citizen.expect("queued").await?;
    assert_eq!(queued["operatorsAvailable"], 1);
    assert!(queued["estimatedWaitSeconds"].as_u64().unwrap_or(0) > 0);

    alice
        .send(json!({"action": "set_presence", "presence": "asleep"}))
        .await?;
    alice.expect_error("invalid_frame").await?;
    gw.stop().await;
    Ok(())
}

async fn with_nobody_online_the_citizen_is_told_so_at_start_and_in_the_queue(kind: StoreKind) -> R {
    let gw = spawn_gateway(kind).await;
    let mut citizen = Client::citizen(&gw).await?;
    citizen.send(json!({"action": "start"})).await?;
    assert_eq!(
        citizen.expect("chat_started").await?["operatorsAvailable"],
        0
    );
    citizen.send(json!({"action": "request_operator"})).await?;
    let queued = citizen.expect("queued").await?;
    assert_eq!(queued["operatorsAvailable"], 0);
    assert!(queued.get("estimatedWaitSeconds").is_none(), "{queued}");
    assert!(queued["reportUrl"].is_string());
    gw.stop().await;
    Ok(())
}

async fn outside_the_staffed_hours_no_estimate_is_given_even_with_an_operator_online(
    kind: StoreKind,
) -> R {
    // A window that starts two hours from now and lasts one: now is outside it.
    let now_min = (bluelamp::domain::now_ms() / 60_000).rem_euclid(1440);
    let hm = |m: i64| format!("{:02}:{:02}", m.rem_euclid(1440) / 60, m.rem_euclid(60));
    let window = format!("{}-{}", hm(now_min + 120), hm(now_min + 180));
    let hours = bluelamp::domain::StaffedHours::parse(&window)?;
    let gw = spawn_gateway_with(kind, |c| c.chat.staffed_hours = Some(hours)).await;
    let _alice = Client::operator(&gw, "alice").await?;
    let mut citizen = Client::citizen(&gw).await?;
    citizen.send(json!({"action": "start"})).await?;
    let started = citizen.expect("chat_started").await?;
    assert_eq!(started["staffed"], false);
    assert_eq!(started["operatorsAvailable"], 1);
    citizen.send(json!({"action": "request_operator"})).await?;
    let queued = citizen.expect("queued").await?;
    assert_eq!(queued["staffed"], false);
    assert!(queued.get("estimatedWaitSeconds").is_none(), "{queued}");
    gw.stop().await;
    Ok(())
}

async fn an_operator_who_lost_a_claim_is_told_who_holds_the_chat(kind: StoreKind) -> R {
    let gw = spawn_gateway(kind).await;
    let mut citizen = Client::citizen(&gw).await?;
    let mut alice = Client::operator(&gw, "alice").await?;
    let mut bob = Client::operator(&gw, "bob").await?;
    let chat = claimed_chat(&mut citizen, &mut alice).await?;
    bob.send(json!({"action": "claim", "chatId": chat})).await?;
    let refused = bob.expect_error("already_claimed").await?;
    assert_eq!(refused["operatorId"], "alice");
    gw.stop().await;
    Ok(())
}

async fn a_quick_exit_by_beacon_ends_the_chat_and_the_operator_sees_it(kind: StoreKind) -> R {
    let gw = spawn_gateway(kind).await;
    let mut citizen = Client::citizen(&gw).await?;
    let mut alice = Client::operator(&gw, "alice").await?;
    let (chat, token) = citizen.start_chat().await?;
    citizen.send(json!({"action": "request_operator"})).await?;
    citizen.expect("queued").await?;
    alice
        .send(json!({"action": "claim", "chatId": chat}))
        .await?;
    alice.expect("claimed").await?;
    // The socket is gone when the button is pressed.
    citizen.drop_connection();
    alice
        .expect_where("citizen_disconnected", |v| {
            v["event"]["event"] == "citizen_disconnected"
        })
        .await?;

    let http = reqwest::Client::new();
    let url = format!("{}/chat/quick-exit", gw.http_url());
    let beacon = |body: String| {
        http.post(&url)
            .header("content-type", "text/plain;charset=UTF-8")
            .body(body)
            .send()
    };
    let r = beacon(json!({"resumeToken": token}).to_string()).await?;
    assert_eq!(r.status(), 204);
    let ended = alice
        .expect_where("ended", |v| v["event"]["event"] == "ended")
        .await?;
    assert_eq!(ended["event"]["reason"], "quick_exit");
    // Again, and with a token of no chat: the same answer, nothing learnt.
    assert_eq!(
        beacon(json!({"resumeToken": token}).to_string())
            .await?
            .status(),
        204
    );
    let stranger = format!("{chat}.{}", "A".repeat(43));
    assert_eq!(
        beacon(json!({"resumeToken": stranger}).to_string())
            .await?
            .status(),
        204
    );
    assert_eq!(beacon("not json".to_owned()).await?.status(), 400);
    assert_eq!(
        beacon(json!({"resumeToken": token, "extra": 1}).to_string())
            .await?
            .status(),
        400
    );
    // The record is kept: the transcript says how it ended.
    let stored = gw
        .deps
        .chats
        .get_chat(&bluelamp::domain::ChatId::parse(chat.as_str())?)
        .await?
        .expect("the chat is kept");
    assert_eq!(stored.ended, Some(bluelamp::domain::EndReason::QuickExit));
    gw.stop().await;
    Ok(())
}

async fn a_waiting_citizen_hears_when_an_operator_signs_in_and_out(kind: StoreKind) -> R {
    let gw = spawn_gateway(kind).await;
    let mut citizen = Client::citizen(&gw).await?;
    citizen.start_chat().await?;
    citizen.send(json!({"action": "request_operator"})).await?;
    let queued = citizen.expect("queued").await?;
    assert_eq!(queued["operatorsAvailable"], 0);

    let alice = Client::operator(&gw, "alice").await?;
    let queued = citizen
        .expect_where("queued with alice", |v| {
            v["type"] == "queued" && v["operatorsAvailable"] == 1
        })
        .await?;
    assert!(queued["estimatedWaitSeconds"].as_u64().unwrap_or(0) > 0);

    alice.close().await?;
    let queued = citizen
        .expect_where("queued without alice", |v| {
            v["type"] == "queued" && v["operatorsAvailable"] == 0
        })
        .await?;
    assert!(queued.get("estimatedWaitSeconds").is_none(), "{queued}");
    gw.stop().await;
    Ok(())
}

async fn an_operator_reads_how_a_chat_they_held_ended_and_nobody_else_can(kind: StoreKind) -> R {
    let gw = spawn_gateway(kind).await;
    let mut citizen = Client::citizen(&gw).await?;
    let mut alice = Client::operator(&gw, "alice").await?;
    let chat = claimed_chat(&mut citizen, &mut alice).await?;
    // The console is away when the citizen leaves in a hurry.
    alice.close().await?;
    citizen
        .send(json!({"action": "leave", "quick": true}))
        .await?;
    citizen.expect("chat_ended").await?;

    let mut alice = Client::operator(&gw, "alice").await?;
    alice.send(json!({"action": "ping"})).await?;
    alice.expect("pong").await?;
    alice
        .send(json!({"action": "history", "chatId": chat, "afterSeq": 0}))
        .await?;
    let history = alice.expect("history").await?;
    let ended = history["messages"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["event"]["event"] == "ended"))
        .cloned();
    assert_eq!(
        ended.map(|e| e["event"]["reason"].clone()),
        Some(json!("quick_exit"))
    );
    // Still nothing to send into it, and another operator reads nothing.
    alice
        .send(json!({"action": "send", "chatId": chat, "clientMessageId": "o9", "text": "hello?"}))
        .await?;
    alice.expect_error("chat_ended").await?;
    let mut bob = Client::operator(&gw, "bob").await?;
    bob.send(json!({"action": "history", "chatId": chat, "afterSeq": 0}))
        .await?;
    bob.expect_error("not_your_chat").await?;
    gw.stop().await;
    Ok(())
}

/// Two chats waiting: an earlier normal one, then `chat` from a citizen whose words the bot
/// flags while the citizen asks for a person (two functions, each with the chat as read before
/// the other wrote). The queue must show the emergency first whichever write lands second.
async fn an_emergency_flagged_while_the_citizen_joins_the_queue_still_waits_first(
    kind: StoreKind,
) -> R {
    use bluelamp::domain::{Actor, ChatId, ChatPatch, EmergencyReason, Guard, Priority};
    let gw = spawn_gateway(kind).await;
    // An earlier normal chat waiting, which the emergency must jump.
    let _earlier = Client::waiting_citizen(&gw).await?;
    for flag_lands_first in [false, true] {
        let mut citizen = Client::citizen(&gw).await?;
        let (chat, _) = citizen.start_chat().await?;
        let id = ChatId::parse(chat.as_str())?;
        let stale = gw.deps.chats.get_chat(&id).await?.expect("the chat");
        if flag_lands_first {
            // The bot's write (priority and reason) lands first; the citizen's join, made from
            // the chat as it was before, lands on top of it.
            let patch = ChatPatch {
                priority: Some(Priority::Emergency),
                emergency_reason: Some(EmergencyReason::Weapon),
                ..Default::default()
            };
            gw.deps
                .chats
                .update_chat(&id, &Guard::not_ended(), &patch)
                .await?;
            bluelamp::chat::enter_queue(&gw.deps, &stale, &Actor::Citizen).await?;
        } else {
            bluelamp::chat::enter_queue(&gw.deps, &stale, &Actor::Citizen).await?;
            bluelamp::chat::flag_emergency(&gw.deps, &stale, EmergencyReason::Weapon).await?;
        }
        let queue = bluelamp::chat::queue_entries(&gw.deps, &gw.deps.config.force).await?;
        assert_eq!(
            queue[0].chat_id, id,
            "flag first: {flag_lands_first}: {queue:?}"
        );
        assert_eq!(queue[0].priority, Priority::Emergency);
        // Out of the way for the next round.
        citizen.send(json!({"action": "leave"})).await?;
        citizen.expect("chat_ended").await?;
    }
    gw.stop().await;
    Ok(())
}

async fn the_queue_shows_operators_what_the_bot_already_answered(kind: StoreKind) -> R {
    let gw = spawn_gateway(kind).await;
    let mut alice = Client::operator(&gw, "alice").await?;
    let mut citizen = Client::citizen(&gw).await?;
    let (chat, _) = citizen.start_chat().await?;
    citizen
        .say(None, "c1", "How do I report a crime online?")
        .await?;
    let answer = citizen
        .expect_where("the bot's answer", |v| {
            v["type"] == "message" && v["sender"]["role"] == "bot"
        })
        .await?;
    let answered = answer["bot"]["answerId"].clone();
    assert!(answered.is_string(), "{answer}");
    citizen.send(json!({"action": "request_operator"})).await?;
    let queue = alice
        .expect_where("the queue with the chat", |v| {
            v["type"] == "queue" && v["entries"][0]["chatId"] == chat
        })
        .await?;
    assert_eq!(queue["entries"][0]["botAnswers"], json!([answered]));
    gw.stop().await;
    Ok(())
}

bluelamp_tests::both_stores!(
    the_queue_shows_operators_what_the_bot_already_answered,
    an_emergency_flagged_while_the_citizen_joins_the_queue_still_waits_first,
    a_waiting_citizen_hears_when_an_operator_signs_in_and_out,
    an_operator_reads_how_a_chat_they_held_ended_and_nobody_else_can,
    typing_and_seen_pass_both_ways_and_are_never_stored,
    feedback_is_counted_once_per_ended_chat_and_seen_only_by_supervisors,
    with_every_operator_away_the_queue_gives_no_estimate_until_one_is_available,
    with_nobody_online_the_citizen_is_told_so_at_start_and_in_the_queue,
    outside_the_staffed_hours_no_estimate_is_given_even_with_an_operator_online,
    an_operator_who_lost_a_claim_is_told_who_holds_the_chat,
    a_quick_exit_by_beacon_ends_the_chat_and_the_operator_sees_it,
);

// The pages, as the gateway serves them (the store does not matter here).

async fn get(url: &str) -> anyhow::Result<(u16, reqwest::header::HeaderMap, String)> {
    let r = reqwest::get(url).await?;
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    Ok((status, headers, r.text().await?))
}

fn policy(headers: &reqwest::header::HeaderMap) -> String {
    headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn every_page_is_served_with_a_policy_that_allows_no_inline_code_and_only_its_own_api() -> R {
    let gw = spawn_gateway(StoreKind::Embedded).await;
    let base = gw.http_url();
    let ws = format!("ws://{}", gw.addr);
    for (path, must, must_not) in [
        ("/widget/", format!("{ws}/public"), "/operator"),
        ("/console/", format!("{ws}/operator"), "/public"),
        ("/report/", base.clone(), "ws://"),
        ("/demo/", format!("frame-src {base}"), "ws://"),
        ("/widget.js", "frame-ancestors 'none'".to_owned(), "ws://"),
    ] {
        let (status, headers, body) = get(&format!("{base}{path}")).await?;
        assert_eq!(status, 200, "{path}");
        assert!(!body.is_empty(), "{path}");
        let csp = policy(&headers);
        assert!(csp.contains(&must), "{path}: {csp}");
        assert!(!csp.contains(must_not), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
    }
    let (_, widget, _) = get(&format!("{base}/widget/")).await?;
    assert!(policy(&widget).contains(&format!(
        "frame-ancestors http://localhost:{}",
        gw.addr.port()
    )));
    let (_, console, _) = get(&format!("{base}/console/")).await?;
    assert!(policy(&console).contains("frame-ancestors 'none'"));
    for outside in [
        "/widget/../Cargo.toml",
        "/widget/%2e%2e/%2e%2e/Cargo.toml",
        "/report/.hidden",
        "/nowhere/index.html",
    ] {
        let (status, _, _) = get(&format!("{base}{outside}")).await?;
        assert_eq!(status, 404, "{outside}");
    }
    gw.stop().await;
    Ok(())
}

#[tokio::test]
async fn the_pages_read_their_addresses_from_the_gateway_s_config() -> R {
    let gw = spawn_gateway(StoreKind::Embedded).await;
    let base = gw.http_url();
    let (_, _, console) = get(&format!("{base}/console/config.json")).await?;
    let console: Value = serde_json::from_str(&console)?;
    assert_eq!(console["operatorWs"], format!("ws://{}/operator", gw.addr));
    assert_eq!(console["reportsApi"], base);
    assert_eq!(console["signIn"]["kind"], "local");
    let token = reqwest::Client::new()
        .post(console["signIn"]["tokenUrl"].as_str().unwrap_or_default())
        .json(&json!({"operator": "sue", "groups": ["supervisors"]}))
        .send()
        .await?;
    assert_eq!(token.status(), 200);
    let refused = reqwest::Client::new()
        .post(console["signIn"]["tokenUrl"].as_str().unwrap_or_default())
        .json(&json!({"operator": "sue", "groups": ["<script>"]}))
        .send()
        .await?;
    assert_eq!(refused.status(), 400);
    let (_, _, report) = get(&format!("{base}/report/config.json")).await?;
    assert_eq!(serde_json::from_str::<Value>(&report)?["reportsApi"], base);
    gw.stop().await;
    Ok(())
}

/// The widget and the console read the language list beside the widget, where the deployed
/// hosting has the file the upload wrote (`widget-strings`): the same JSON as `/languages`.
#[tokio::test]
async fn the_widget_s_language_list_is_served_beside_it_as_the_upload_writes_it() -> R {
    let gw = spawn_gateway(StoreKind::Embedded).await;
    let base = gw.http_url();
    let (status, headers, list) = get(&format!("{base}/widget/languages.json")).await?;
    assert_eq!(status, 200);
    assert_eq!(
        headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    let list: Value = serde_json::from_str(&list)?;
    assert_eq!(list, bluelamp::translation::language_list_json());
    let (_, _, api_list) = get(&format!("{base}/languages")).await?;
    assert_eq!(serde_json::from_str::<Value>(&api_list)?, list);
    let polish = list
        .as_array()
        .into_iter()
        .flatten()
        .find(|l| l["code"] == "pl")
        .cloned();
    assert_eq!(
        polish.map(|p| (p["englishName"].clone(), p["nativeName"].clone())),
        Some((json!("Polish"), json!("Polski")))
    );
    gw.stop().await;
    Ok(())
}

#[tokio::test]
async fn the_widget_s_texts_come_from_a_shipped_file_or_are_translated_once_and_cached() -> R {
    let translator = std::sync::Arc::new(bluelamp::translation::OfflineTranslator::new());
    let counting = translator.clone();
    let gw = spawn_gateway_with(StoreKind::Embedded, |c| c.translator = translator).await;
    let base = gw.http_url();
    let (status, _, welsh) = get(&format!("{base}/widget/strings/cy.json")).await?;
    assert_eq!(status, 200);
    let welsh: Value = serde_json::from_str(&welsh)?;
    assert_eq!(welsh["_meta"]["language"], "cy");
    assert_eq!(counting.calls(), 0, "a shipped file costs no translation");

    let english: Value = serde_json::from_str(&std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../web/widget/strings/en.json"
    ))?)?;
    let texts = english.as_object().map(|o| o.len() - 1).unwrap_or(0);
    // The cache holds a text once, however many keys share it.
    let distinct: std::collections::BTreeSet<&str> = english
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(_, v)| v.as_str())
        .collect();
    let distinct = distinct.len();
    let (status, _, somali) = get(&format!("{base}/widget/strings/so.json")).await?;
    assert_eq!(status, 200);
    let somali: Value = serde_json::from_str(&somali)?;
    assert_eq!(somali["_meta"]["language"], "so");
    assert_eq!(somali.as_object().map(|o| o.len() - 1), Some(texts));
    assert_eq!(counting.calls(), distinct, "one translation per text");
    let (_, _, again) = get(&format!("{base}/widget/strings/so.json")).await?;
    assert_eq!(serde_json::from_str::<Value>(&again)?, somali);
    assert_eq!(
        counting.calls(),
        distinct,
        "the second time comes from the cache"
    );

    for unknown in ["xx.json", "not a tag.json", "so.txt"] {
        let (status, _, _) = get(&format!("{base}/widget/strings/{unknown}")).await?;
        assert_eq!(status, 404, "{unknown}");
    }
    gw.stop().await;
    Ok(())
}

/// What a browser sees when its socket closes: a clean close answered in kind (a widget that
/// got 1006 would take it for a lost connection and resume), and 1007 for a text frame that is
/// not UTF-8, as API Gateway answers.
#[tokio::test]
async fn a_client_s_close_is_answered_with_a_close_and_bad_utf8_with_1007() -> R {
    use futures::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
    use tokio_tungstenite::tungstenite::protocol::frame::{CloseFrame, Frame};
    use tokio_tungstenite::tungstenite::Message;
    let gw = spawn_gateway(StoreKind::Embedded).await;
    let closing_code = |m: Option<Result<Message, _>>| match m {
        Some(Ok(Message::Close(Some(f)))) => Some(u16::from(f.code)),
        _ => None,
    };

    let (mut ws, _) = tokio_tungstenite::connect_async(gw.public_ws_url()).await?;
    ws.send(Message::Close(Some(CloseFrame {
        code: 1000.into(),
        reason: "bye".into(),
    })))
    .await?;
    let answer = tokio::time::timeout(Duration::from_secs(5), ws.next()).await?;
    assert_eq!(closing_code(answer), Some(1000));

    let (mut ws, _) = tokio_tungstenite::connect_async(gw.public_ws_url()).await?;
    let not_utf8 = Frame::message(vec![0xff, 0xfe, 0x7b], OpCode::Data(Data::Text), true);
    ws.send(Message::Frame(not_utf8)).await?;
    let answer = tokio::time::timeout(Duration::from_secs(5), ws.next()).await?;
    assert_eq!(closing_code(answer), Some(1007));
    gw.stop().await;
    Ok(())
}
