//! `POST /chat/quick-exit`: "Leave the site" when the widget's socket is down. The handler
//! runs over the real chat service (`bluelamp::chat::Deps` on the embedded store, a recording
//! delivery), so what these tests see stored is what the chat functions would see.

mod common;

use bluelamp::chat::{enter_queue, ResumeToken};
use bluelamp::delivery::Api;
use bluelamp::domain::{
    Actor, Chat, ChatEvent, ChatId, ChatState, Connection, ConnectionId, EndReason, MessageBody,
    OperatorId, Role,
};
use bluelamp::protocol::ServerFrame;
use bluelamp::store::{ChatStore, ConnectionStore};
use common::*;
use lambda_http::{Body, Request};
use serde_json::json;

const OPERATOR_CONN: &str = "OpConn1=";

/// A chat of the citizen on `conn`, in the bot's hands, and its resume token.
async fn chat(app: &App, id: &str, conn: &str) -> (Chat, ResumeToken) {
    let id = ChatId::parse(id).unwrap();
    let token = ResumeToken::issue(id.clone());
    let chat = Chat::for_test(id.as_str())
        .citizen(conn)
        .resume_hash(&token.hash())
        .created_ms(1)
        .build();
    app.chat_store.create_chat(&chat).await.unwrap();
    (chat, token)
}

/// The same chat, having asked for an operator: in the queue.
async fn waiting_chat(app: &App, id: &str, conn: &str) -> (Chat, ResumeToken) {
    let (chat, token) = chat(app, id, conn).await;
    enter_queue(app.deps.chats.as_ref().unwrap(), &chat, &Actor::Citizen)
        .await
        .unwrap();
    (stored(app, &chat.id).await, token)
}

async fn stored(app: &App, id: &ChatId) -> Chat {
    app.chat_store.get_chat(id).await.unwrap().unwrap()
}

/// The bodies of the chat's messages as stored, in order.
async fn transcript(app: &App, id: &ChatId) -> Vec<MessageBody> {
    app.chat_store
        .messages_after(id, 0, 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.body)
        .collect()
}

/// One operator online, as `$connect` and `hello` leave them.
async fn operator_online(app: &App) {
    app.chat_store
        .put_connection(&Connection::opened(
            ConnectionId::parse(OPERATOR_CONN).unwrap(),
            Role::Operator {
                operator_id: OperatorId::parse("alice").unwrap(),
            },
            1,
            2_000_000_000,
        ))
        .await
        .unwrap();
}

fn token_body(token: &ResumeToken) -> String {
    json!({ "resumeToken": token.reveal() }).to_string()
}

fn assert_no_content(resp: &lambda_http::Response<Body>) {
    assert_eq!(resp.status(), 204, "{}", body_text(resp));
    assert!(resp.body().is_empty(), "a 204 has no body");
    assert_eq!(header(resp, "cache-control"), Some("no-store"));
}

fn assert_malformed(resp: &lambda_http::Response<Body>, what: &str) {
    assert_eq!(resp.status(), 400, "{what}: {}", body_text(resp));
    assert_eq!(
        header(resp, "content-type"),
        Some("application/problem+json"),
        "{what}"
    );
    assert_eq!(
        body_json(resp),
        json!({
            "status": 400,
            "code": "malformed_quick_exit",
            "title": "The body must be {\"resumeToken\": \"...\"}"
        }),
        "{what}"
    );
}

#[tokio::test]
async fn the_beacon_ends_a_waiting_chat_as_a_quick_exit_and_the_queue_is_told() {
    let app = app();
    operator_online(&app).await;
    let (leaving, token) = waiting_chat(&app, "c-leaving", "CitizenA=").await;
    let (staying, _) = waiting_chat(&app, "c-staying", "CitizenB=").await;
    let posted_before = app.delivery.posted().len();

    let resp = app.send(beacon(&token_body(&token))).await;
    assert_no_content(&resp);

    let ended = stored(&app, &leaving.id).await;
    assert_eq!(ended.state, ChatState::Ended);
    assert_eq!(ended.ended, Some(EndReason::QuickExit));
    assert_eq!(ended.queue, None, "it has left the queue");
    assert_eq!(ended.citizen_connection, None, "the citizen has gone");
    // The transcript says how it ended, for the operator and the record.
    assert_eq!(
        transcript(&app, &leaving.id).await.last(),
        Some(&MessageBody::Event(ChatEvent::Ended {
            reason: EndReason::QuickExit
        }))
    );
    // The chat was waiting: the operator sees the queue without it, and the citizen still
    // waiting learns their new place.
    let posted = app.delivery.posted()[posted_before..].to_vec();
    let to_operator: Vec<_> = posted
        .iter()
        .filter(|(api, to, _)| *api == Api::Operator && to.as_str() == OPERATOR_CONN)
        .collect();
    match &to_operator[..] {
        [(_, _, ServerFrame::Queue { entries })] => {
            let ids: Vec<&str> = entries.iter().map(|e| e.chat_id.as_str()).collect();
            assert_eq!(ids, vec!["c-staying"]);
        }
        other => panic!("the operator should get one queue frame, got {other:?}"),
    }
    let to_citizen: Vec<_> = posted
        .iter()
        .filter(|(api, to, _)| *api == Api::Public && to.as_str() == "CitizenB=")
        .collect();
    match &to_citizen[..] {
        [(
            _,
            _,
            ServerFrame::Queued {
                chat_id, position, ..
            },
        )] => {
            assert_eq!(chat_id, &staying.id);
            assert_eq!(*position, 1);
        }
        other => panic!("the waiting citizen should get their place, got {other:?}"),
    }
    assert!(
        !posted.iter().any(|(_, to, _)| to.as_str() == "CitizenA="),
        "nothing goes to the citizen who left: {posted:?}"
    );
    assert_eq!(
        stored(&app, &staying.id).await,
        staying,
        "the other chat is as it was"
    );

    // The socket's own `leave` (or a second beacon) finds it ended: the same answer, nothing
    // more written or sent.
    let messages = transcript(&app, &leaving.id).await.len();
    let posted = app.delivery.posted().len();
    let resp = app.send(beacon(&token_body(&token))).await;
    assert_no_content(&resp);
    assert_eq!(stored(&app, &leaving.id).await, ended);
    assert_eq!(transcript(&app, &leaving.id).await.len(), messages);
    assert_eq!(app.delivery.posted().len(), posted);
}

#[tokio::test]
async fn a_chat_with_the_bot_ends_too_and_json_is_read_as_well_as_text() {
    let app = app();
    let (chat, token) = chat(&app, "c-bot", "CitizenA=").await;
    let req = lambda_http::http::Request::builder()
        .method("POST")
        .uri("/chat/quick-exit")
        .header("content-type", "application/json")
        .body(Body::from(token_body(&token)))
        .unwrap();
    let resp = app.send(from_ip(req, "198.51.100.7")).await;
    assert_no_content(&resp);
    let ended = stored(&app, &chat.id).await;
    assert_eq!(ended.ended, Some(EndReason::QuickExit));
    assert_eq!(ended.state, ChatState::Ended);
    // No queue to tell about.
    assert!(app.delivery.posted().is_empty());
}

#[tokio::test]
async fn a_wrong_secret_or_an_unknown_chat_gets_the_same_204_and_changes_nothing() {
    let app = app();
    operator_online(&app).await;
    let (chat, _token) = waiting_chat(&app, "c1", "CitizenA=").await;
    let messages = transcript(&app, &chat.id).await;
    let posted = app.delivery.posted().len();

    // The chat's id with another secret (another token of the same chat).
    let wrong_secret = ResumeToken::issue(chat.id.clone());
    // A well-formed token of no chat.
    let unknown = ResumeToken::issue(ChatId::parse("no-such-chat").unwrap());
    for (what, token) in [("wrong secret", &wrong_secret), ("unknown chat", &unknown)] {
        let resp = app.send(beacon(&token_body(token))).await;
        assert_no_content(&resp);
        assert_eq!(stored(&app, &chat.id).await, chat, "{what}");
        assert_eq!(transcript(&app, &chat.id).await, messages, "{what}");
        assert_eq!(app.delivery.posted().len(), posted, "{what}: nothing sent");
    }
    assert_eq!(
        app.chat_store.get_chat(&unknown.chat_id).await.unwrap(),
        None,
        "no chat is made up"
    );
}

#[tokio::test]
async fn a_malformed_body_is_a_400_problem_and_changes_nothing() {
    let app = app();
    let (chat, token) = chat(&app, "c1", "CitizenA=").await;
    let good = token.reveal();
    let short_secret = &good[..good.len() - 1];
    let bad_chat_id = good.replacen("c1", "c#1", 1);
    for (what, body) in [
        ("empty", String::new()),
        ("not JSON", "not json".to_owned()),
        ("the bare token", good.clone()),
        ("no token", "{}".to_owned()),
        ("null", "null".to_owned()),
        ("an array", json!([good]).to_string()),
        ("a number", json!({"resumeToken": 5}).to_string()),
        ("no secret", json!({"resumeToken": "c1"}).to_string()),
        ("an empty secret", json!({"resumeToken": "c1."}).to_string()),
        (
            "a short secret",
            json!({ "resumeToken": short_secret }).to_string(),
        ),
        (
            "a bad chat id",
            json!({ "resumeToken": bad_chat_id }).to_string(),
        ),
        (
            "an unknown field",
            json!({"resumeToken": good, "quick": true}).to_string(),
        ),
        ("snake case", json!({ "resume_token": good }).to_string()),
    ] {
        let resp = app.send(beacon(&body)).await;
        assert_malformed(&resp, what);
    }
    assert_eq!(stored(&app, &chat.id).await, chat);
    assert!(transcript(&app, &chat.id).await.is_empty());
}

#[tokio::test]
async fn without_the_chat_service_the_path_is_not_there() {
    let app = app().without_chats();
    // A token of a chat in the store the deployment does not give the function.
    let token = ResumeToken::issue(ChatId::parse("c1").unwrap());
    for body in [token_body(&token), "not json".to_owned()] {
        let resp = app.send(beacon(&body)).await;
        assert_eq!(resp.status(), 404, "{}", body_text(&resp));
        assert_eq!(body_json(&resp)["code"], "not_found");
    }
}

#[tokio::test]
async fn a_body_over_1024_bytes_is_refused_unread_and_one_of_1024_is_read() {
    let app = app();
    let (chat, token) = chat(&app, "c1", "CitizenA=").await;
    let body = token_body(&token);
    // Whitespace after the JSON: still the same well-formed body, at the limit and past it.
    let at_limit = format!("{body}{}", " ".repeat(1024 - body.len()));
    let over = format!("{at_limit} ");

    let resp = app.send(beacon(&over)).await;
    assert_eq!(resp.status(), 413, "{}", body_text(&resp));
    assert_eq!(body_json(&resp)["code"], "payload_too_large");
    assert_eq!(
        stored(&app, &chat.id).await,
        chat,
        "nothing read, nothing ended"
    );

    let resp = app.send(beacon(&at_limit)).await;
    assert_no_content(&resp);
    assert_eq!(
        stored(&app, &chat.id).await.ended,
        Some(EndReason::QuickExit)
    );
}

#[tokio::test]
async fn only_post_is_allowed_and_other_methods_end_nothing() {
    let app = app();
    let (chat, token) = chat(&app, "c1", "CitizenA=").await;
    for method in ["GET", "PUT", "DELETE", "PATCH"] {
        let req: Request = lambda_http::http::Request::builder()
            .method(method)
            .uri("/chat/quick-exit")
            .header("content-type", "text/plain")
            .body(Body::from(token_body(&token)))
            .unwrap();
        let resp = app.send(from_ip(req, "198.51.100.7")).await;
        assert_eq!(resp.status(), 405, "{method}");
        assert_eq!(header(&resp, "allow"), Some("POST, OPTIONS"), "{method}");
        assert_eq!(body_json(&resp)["code"], "method_not_allowed", "{method}");
    }
    assert_eq!(stored(&app, &chat.id).await, chat);
}

#[tokio::test]
async fn a_page_on_the_public_origins_may_read_the_answer_and_preflight_a_json_post() {
    let app = app().for_browsers();
    let (_, token) = chat(&app, "c1", "CitizenA=").await;
    let resp = app
        .send(from_origin(beacon(&token_body(&token)), FORM_ORIGIN))
        .await;
    assert_no_content(&resp);
    assert_eq!(
        header(&resp, "access-control-allow-origin"),
        Some(FORM_ORIGIN)
    );
    assert_eq!(header(&resp, "vary"), Some("Origin"));

    let resp = app
        .send(preflight(
            "/chat/quick-exit",
            Some(FORM_ORIGIN),
            "POST",
            Some("content-type"),
        ))
        .await;
    assert_eq!(resp.status(), 204, "{}", body_text(&resp));
    assert_eq!(
        header(&resp, "access-control-allow-origin"),
        Some(FORM_ORIGIN)
    );
    assert_eq!(header(&resp, "access-control-allow-methods"), Some("POST"));
    // The console is not a public page.
    let resp = app
        .send(preflight(
            "/chat/quick-exit",
            Some(CONSOLE_ORIGIN),
            "POST",
            None,
        ))
        .await;
    assert_eq!(resp.status(), 403);
}
