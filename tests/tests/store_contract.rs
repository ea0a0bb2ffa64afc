//! The storage contract: every adapter of the store port behaves the same. Each case runs
//! against the embedded store and against DynamoDB (moto_server).

use bluelamp::domain::*;
use bluelamp::store::{AppendError, RateError, RateLimit, Store, UpdateError};
use bluelamp::translation::{ChatLanguage, ChatLanguagePolicy, LanguageSource, Provider};
use bluelamp_tests::StoreKind;
use std::collections::HashSet;
use std::sync::Arc;

fn chat(id: &str) -> Chat {
    Chat::for_test(id)
        .language_state(ChatLanguage::from_browser(
            &LanguageCode::parse("pl").unwrap(),
        ))
        .citizen("conn-1")
        .resume_hash(&"ab".repeat(32))
        .created_ms(1_000)
        .build()
}

fn text(s: &str, cmid: Option<&str>) -> NewMessage {
    NewMessage::text(
        Sender::Citizen,
        &MessageText::parse(s).unwrap(),
        &LanguageCode::parse("pl").unwrap(),
        cmid.map(|c| ClientMessageId::parse(c).unwrap()),
        5,
    )
}

fn op(s: &str) -> OperatorId {
    OperatorId::parse(s).unwrap()
}

fn waiting(priority: Priority, since_ms: i64) -> ChatPatch {
    ChatPatch {
        state: Some(ChatState::Waiting),
        queue: Some(Some(QueueSlot { priority, since_ms })),
        ..Default::default()
    }
}

fn claim(by: &str) -> ChatPatch {
    ChatPatch {
        state: Some(ChatState::Active),
        operator: Some(Some(op(by))),
        queue: Some(None),
        ..Default::default()
    }
}

async fn a_created_chat_reads_back_as_written(s: Arc<dyn Store>) {
    let c = chat("c1");
    s.create_chat(&c).await.unwrap();
    assert_eq!(s.get_chat(&c.id).await.unwrap(), Some(c.clone()));
    assert_eq!(
        s.get_chat(&ChatId::parse("nope").unwrap()).await.unwrap(),
        None
    );
    assert!(
        s.create_chat(&c).await.is_err(),
        "a chat id is never reused"
    );
}

async fn a_guarded_update_applies_only_in_the_expected_state(s: Arc<dyn Store>) {
    let c = chat("c1");
    s.create_chat(&c).await.unwrap();
    let guard = Guard::states(&[ChatState::Bot]);
    let updated = s
        .update_chat(&c.id, &guard, &waiting(Priority::Emergency, 50))
        .await
        .unwrap();
    assert_eq!(updated.state, ChatState::Waiting);
    assert_eq!(updated.priority, Priority::Emergency);
    assert_eq!(
        updated.queue,
        Some(QueueSlot {
            priority: Priority::Emergency,
            since_ms: 50
        })
    );
    let again = s
        .update_chat(&c.id, &guard, &waiting(Priority::Normal, 60))
        .await;
    assert!(matches!(again, Err(UpdateError::Conflict)));
    let missing = s
        .update_chat(
            &ChatId::parse("nope").unwrap(),
            &guard,
            &waiting(Priority::Normal, 1),
        )
        .await;
    assert!(matches!(missing, Err(UpdateError::NotFound)));
    assert_eq!(
        s.get_chat(&c.id)
            .await
            .unwrap()
            .unwrap()
            .queue
            .unwrap()
            .since_ms,
        50
    );
}

async fn of_twenty_simultaneous_claims_exactly_one_wins(s: Arc<dyn Store>) {
    let c = chat("c1");
    s.create_chat(&c).await.unwrap();
    s.update_chat(
        &c.id,
        &Guard::states(&[ChatState::Bot]),
        &waiting(Priority::Normal, 1),
    )
    .await
    .unwrap();
    let mut tasks = Vec::new();
    for i in 0..20 {
        let (s, id) = (s.clone(), c.id.clone());
        tasks.push(tokio::spawn(async move {
            let who = format!("op{i}");
            s.update_chat(&id, &Guard::states(&[ChatState::Waiting]), &claim(&who))
                .await
                .map(|_| who)
        }));
    }
    let mut winners = Vec::new();
    for t in tasks {
        match t.await.unwrap() {
            Ok(who) => winners.push(who),
            Err(UpdateError::Conflict) => {}
            Err(e) => panic!("unexpected {e}"),
        }
    }
    assert_eq!(winners.len(), 1, "winners: {winners:?}");
    let held = s.get_chat(&c.id).await.unwrap().unwrap();
    assert_eq!(held.state, ChatState::Active);
    assert_eq!(held.operator, Some(op(&winners[0])));
    assert_eq!(held.queue, None);
}

async fn messages_get_consecutive_sequence_numbers_under_concurrency(s: Arc<dyn Store>) {
    let c = chat("c1");
    s.create_chat(&c).await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..12 {
        let (s, c) = (s.clone(), c.clone());
        tasks.push(tokio::spawn(async move {
            s.append_message(&c, text(&format!("m{i}"), Some(&format!("id{i}"))))
                .await
                .unwrap()
                .message
                .seq
        }));
    }
    let mut seqs = HashSet::new();
    for t in tasks {
        seqs.insert(t.await.unwrap());
    }
    assert_eq!(seqs, (1..=12).collect::<HashSet<u64>>());
    let all = s.messages_after(&c.id, 0, 100).await.unwrap();
    assert_eq!(
        all.iter().map(|m| m.seq).collect::<Vec<_>>(),
        (1..=12).collect::<Vec<_>>()
    );
    assert_eq!(s.get_chat(&c.id).await.unwrap().unwrap().last_seq, 12);
}

async fn a_retried_client_message_id_stores_one_message(s: Arc<dyn Store>) {
    let c = chat("c1");
    s.create_chat(&c).await.unwrap();
    let first = s
        .append_message(&c, text("hello", Some("x1")))
        .await
        .unwrap();
    assert!(!first.duplicate);
    // A stale copy of the chat (last_seq 0) must still find the earlier send.
    let again = s
        .append_message(&c, text("hello", Some("x1")))
        .await
        .unwrap();
    assert!(again.duplicate);
    assert_eq!(again.message, first.message);
    assert_eq!(s.messages_after(&c.id, 0, 10).await.unwrap().len(), 1);
}

async fn nothing_is_appended_to_an_ended_chat_and_what_was_stored_stays(s: Arc<dyn Store>) {
    let c = chat("c1");
    s.create_chat(&c).await.unwrap();
    s.append_message(&c, text("before", None)).await.unwrap();
    let end = ChatPatch {
        state: Some(ChatState::Ended),
        ended: Some(EndReason::QuickExit),
        ..Default::default()
    };
    s.update_chat(&c.id, &Guard::not_ended(), &end)
        .await
        .unwrap();
    let r = s.append_message(&c, text("after", None)).await;
    assert!(matches!(r, Err(AppendError::ChatEnded)));
    let kept = s.messages_after(&c.id, 0, 10).await.unwrap();
    assert_eq!(kept.len(), 1);
    let stored = s.get_chat(&c.id).await.unwrap().unwrap();
    assert_eq!(stored.ended, Some(EndReason::QuickExit));
    let missing = s.append_message(&chat("ghost"), text("x", None)).await;
    assert!(matches!(missing, Err(AppendError::NotFound)));
}

async fn messages_after_pages_in_order(s: Arc<dyn Store>) {
    let c = chat("c1");
    s.create_chat(&c).await.unwrap();
    let mut current = c.clone();
    for i in 0..7 {
        let a = s
            .append_message(&current, text(&format!("m{i}"), None))
            .await
            .unwrap();
        current.last_seq = a.message.seq;
    }
    let page = s.messages_after(&c.id, 2, 3).await.unwrap();
    assert_eq!(
        page.iter().map(|m| m.seq).collect::<Vec<_>>(),
        vec![3, 4, 5]
    );
    assert!(s.messages_after(&c.id, 7, 3).await.unwrap().is_empty());
}

async fn a_delivery_is_marked_once_per_side_and_can_be_undone(s: Arc<dyn Store>) {
    let c = chat("c1");
    s.create_chat(&c).await.unwrap();
    let m = s
        .append_message(&c, text("hi", None))
        .await
        .unwrap()
        .message;
    let mark = |side, claim: &'static str| s.mark_delivered(&c.id, m.seq, side, claim);
    assert!(mark(Side::Operator, "r1").await.unwrap());
    // Another record: the delivery is this one's.
    assert!(!mark(Side::Operator, "r2").await.unwrap());
    // The same record again before it confirmed (it died, or its reply was lost): it goes on.
    assert!(mark(Side::Operator, "r1").await.unwrap());
    assert!(mark(Side::Citizen, "r2").await.unwrap());
    s.unmark_delivered(&c.id, m.seq, Side::Operator)
        .await
        .unwrap();
    assert!(mark(Side::Operator, "r2").await.unwrap());
    s.confirm_delivered(&c.id, m.seq, Side::Operator)
        .await
        .unwrap();
    // Delivered: no record delivers it again, the one that did included.
    assert!(!mark(Side::Operator, "r2").await.unwrap());
    assert!(!mark(Side::Operator, "r1").await.unwrap());
    assert!(mark(Side::Citizen, "r2").await.unwrap());
}

fn lang(s: &str) -> LanguageCode {
    LanguageCode::parse(s).unwrap()
}

fn translated(text: &str) -> MessageTranslation {
    MessageTranslation::Translated {
        text: text.to_owned(),
        provider: Provider::AmazonTranslate,
        topics: Vec::new(),
    }
}

fn unavailable(attempts: u32, retry: bool) -> MessageTranslation {
    MessageTranslation::Unavailable {
        since_ms: 7,
        attempts,
        retry,
    }
}

async fn a_translation_is_stored_on_its_message_and_read_back_everywhere(s: Arc<dyn Store>) {
    let c = chat("c1");
    s.create_chat(&c).await.unwrap();
    let m = s
        .append_message(&c, text("Ukradziono mi rower", Some("m1")))
        .await
        .unwrap()
        .message;
    assert_eq!(s.get_message(&c.id, m.seq).await.unwrap(), Some(m.clone()));
    assert_eq!(s.get_message(&c.id, 99).await.unwrap(), None);

    let before = s
        .set_translation(&c.id, m.seq, &lang("en"), &translated("My bike was stolen"))
        .await
        .unwrap();
    assert_eq!(before, None);

    let read = s.get_message(&c.id, m.seq).await.unwrap().unwrap();
    assert_eq!(
        read.translation(&lang("en")),
        Some(&translated("My bike was stolen"))
    );
    let listed = s.messages_after(&c.id, 0, 10).await.unwrap();
    assert_eq!(listed, vec![read.clone()]);
    // A retried send returns the message with its translation.
    let again = s
        .append_message(&c, text("Ukradziono mi rower", Some("m1")))
        .await
        .unwrap();
    assert!(again.duplicate);
    assert_eq!(again.message, read);
}

async fn an_unavailable_translation_awaits_a_retry_until_it_is_translated(s: Arc<dyn Store>) {
    let c = chat("c1");
    s.create_chat(&c).await.unwrap();
    let first = s
        .append_message(&c, text("jeden", None))
        .await
        .unwrap()
        .message;
    let second = s
        .append_message(&c, text("dwa", None))
        .await
        .unwrap()
        .message;
    assert!(s
        .messages_awaiting_translation(10)
        .await
        .unwrap()
        .is_empty());

    s.set_translation(&c.id, second.seq, &lang("en"), &unavailable(1, true))
        .await
        .unwrap();
    s.set_translation(&c.id, first.seq, &lang("en"), &unavailable(1, false))
        .await
        .unwrap();
    let waiting = s.messages_awaiting_translation(10).await.unwrap();
    assert_eq!(waiting.len(), 1, "only the one to retry: {waiting:?}");
    assert_eq!(waiting[0].seq, second.seq);
    assert_eq!(
        waiting[0].translation(&lang("en")),
        Some(&unavailable(1, true))
    );

    // A failed retry stays listed, with its count.
    let before = s
        .set_translation(&c.id, second.seq, &lang("en"), &unavailable(2, true))
        .await
        .unwrap();
    assert_eq!(before, Some(unavailable(1, true)));
    assert_eq!(s.messages_awaiting_translation(10).await.unwrap().len(), 1);

    // Translated: off the list, and the caller learns it replaced the mark.
    let before = s
        .set_translation(&c.id, second.seq, &lang("en"), &translated("two"))
        .await
        .unwrap();
    assert_eq!(before, Some(unavailable(2, true)));
    assert!(s
        .messages_awaiting_translation(10)
        .await
        .unwrap()
        .is_empty());

    // A late failure never replaces a translation.
    let before = s
        .set_translation(&c.id, second.seq, &lang("en"), &unavailable(1, true))
        .await
        .unwrap();
    assert_eq!(before, Some(translated("two")));
    let read = s.get_message(&c.id, second.seq).await.unwrap().unwrap();
    assert_eq!(read.translation(&lang("en")), Some(&translated("two")));
    assert!(s
        .messages_awaiting_translation(10)
        .await
        .unwrap()
        .is_empty());

    // Giving up on a retry takes the message off the list.
    s.set_translation(&c.id, first.seq, &lang("ar"), &unavailable(1, true))
        .await
        .unwrap();
    assert_eq!(s.messages_awaiting_translation(10).await.unwrap().len(), 1);
    s.set_translation(&c.id, first.seq, &lang("ar"), &unavailable(5, false))
        .await
        .unwrap();
    assert!(s
        .messages_awaiting_translation(10)
        .await
        .unwrap()
        .is_empty());
}

async fn a_message_with_two_languages_to_retry_stays_listed_until_both_are_done(s: Arc<dyn Store>) {
    let c = chat("c1");
    s.create_chat(&c).await.unwrap();
    let m = s
        .append_message(&c, text("trzy", None))
        .await
        .unwrap()
        .message;
    s.set_translation(&c.id, m.seq, &lang("en"), &unavailable(1, true))
        .await
        .unwrap();
    s.set_translation(&c.id, m.seq, &lang("ar"), &unavailable(1, true))
        .await
        .unwrap();
    s.set_translation(&c.id, m.seq, &lang("en"), &translated("three"))
        .await
        .unwrap();
    assert_eq!(s.messages_awaiting_translation(10).await.unwrap().len(), 1);
    s.set_translation(&c.id, m.seq, &lang("ar"), &translated("ثلاثة"))
        .await
        .unwrap();
    assert!(s
        .messages_awaiting_translation(10)
        .await
        .unwrap()
        .is_empty());
}

async fn events_and_missing_messages_hold_no_translations(s: Arc<dyn Store>) {
    let c = chat("c1");
    s.create_chat(&c).await.unwrap();
    let e = s
        .append_message(&c, NewMessage::event(ChatEvent::HandedBack, 5))
        .await
        .unwrap()
        .message;
    assert!(s
        .set_translation(&c.id, e.seq, &lang("en"), &translated("x"))
        .await
        .is_err());
    assert!(s
        .set_translation(&c.id, 42, &lang("en"), &translated("x"))
        .await
        .is_err());
    assert_eq!(
        s.get_message(&c.id, e.seq).await.unwrap().map(|m| m.body),
        Some(MessageBody::Event(ChatEvent::HandedBack))
    );
}

async fn a_message_stored_under_the_wrong_language_is_corrected_once(s: Arc<dyn Store>) {
    let c = chat("c1");
    s.create_chat(&c).await.unwrap();
    // Stored as Polish, translated from Polish (wrongly: it is Czech), and awaiting a retry.
    let m = s
        .append_message(&c, text("Ukradli mi kolo", Some("m1")))
        .await
        .unwrap()
        .message;
    s.set_translation(&c.id, m.seq, &lang("en"), &translated("wrong"))
        .await
        .unwrap();
    s.set_translation(&c.id, m.seq, &lang("de"), &unavailable(1, true))
        .await
        .unwrap();
    let e = s
        .append_message(&c, NewMessage::event(ChatEvent::HandedBack, 5))
        .await
        .unwrap()
        .message;

    // Only from the language it is in.
    assert!(!s
        .correct_language(&c.id, m.seq, &lang("ro"), &lang("cs"))
        .await
        .unwrap());
    assert!(s
        .correct_language(&c.id, m.seq, &lang("pl"), &lang("cs"))
        .await
        .unwrap());
    let read = s.get_message(&c.id, m.seq).await.unwrap().unwrap();
    let MessageBody::Text {
        text,
        language,
        translations,
        ..
    } = &read.body
    else {
        panic!("not text: {read:?}");
    };
    assert_eq!((text.as_str(), language), ("Ukradli mi kolo", &lang("cs")));
    assert!(
        translations.is_empty(),
        "made from the wrong language: {translations:?}"
    );
    assert!(s
        .messages_awaiting_translation(10)
        .await
        .unwrap()
        .is_empty());
    // Once: a second correction (a stream record seen twice) changes nothing.
    assert!(!s
        .correct_language(&c.id, m.seq, &lang("pl"), &lang("cs"))
        .await
        .unwrap());
    // The new language takes translations again.
    s.set_translation(&c.id, m.seq, &lang("en"), &translated("They stole my bike"))
        .await
        .unwrap();
    assert!(!s
        .correct_language(&c.id, m.seq, &lang("pl"), &lang("cs"))
        .await
        .unwrap());
    assert_eq!(
        s.get_message(&c.id, m.seq)
            .await
            .unwrap()
            .unwrap()
            .translation(&lang("en")),
        Some(&translated("They stole my bike"))
    );
    // Events and missing messages have no language to correct.
    for seq in [e.seq, 42] {
        assert!(!s
            .correct_language(&c.id, seq, &lang("pl"), &lang("cs"))
            .await
            .unwrap());
    }
    assert_eq!(
        s.get_message(&c.id, e.seq).await.unwrap().map(|m| m.body),
        Some(MessageBody::Event(ChatEvent::HandedBack))
    );
}

async fn the_chat_language_and_its_settling_are_stored(s: Arc<dyn Store>) {
    let c = chat("c1");
    s.create_chat(&c).await.unwrap();
    assert!(!s
        .get_chat(&c.id)
        .await
        .unwrap()
        .unwrap()
        .language_state
        .is_fixed());
    let mut state = c.language_state.clone();
    state.operator_corrects(&lang("ar")).unwrap();
    let patch = ChatPatch {
        language: Some(state.clone()),
        ..Default::default()
    };
    let updated = s
        .update_chat(&c.id, &Guard::not_ended(), &patch)
        .await
        .unwrap();
    assert_eq!(updated.language, lang("ar"));
    let read = s.get_chat(&c.id).await.unwrap().unwrap();
    assert_eq!(read.language, lang("ar"));
    assert_eq!(read.language_state, state);
    assert_eq!(read.language_state.source(), LanguageSource::Operator);
    assert!(read.language_state.is_fixed());

    // The policy's partial state (what it has seen so far) survives a round trip too.
    let d = chat("c2");
    s.create_chat(&d).await.unwrap();
    let mut watching = d.language_state.clone();
    ChatLanguagePolicy::default().observe(&mut watching, "ok");
    s.update_chat(
        &d.id,
        &Guard::not_ended(),
        &ChatPatch {
            language: Some(watching.clone()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        s.get_chat(&d.id).await.unwrap().unwrap().language_state,
        watching
    );
}

async fn the_queue_serves_emergencies_first_then_the_longest_waiting(s: Arc<dyn Store>) {
    let force = ForceId::parse("demo").unwrap();
    for (id, p, since) in [
        ("a", Priority::Normal, 10),
        ("b", Priority::Normal, 5),
        ("c", Priority::Emergency, 30),
        ("d", Priority::Normal, 1),
    ] {
        let c = chat(id);
        s.create_chat(&c).await.unwrap();
        if id != "d" {
            s.update_chat(&c.id, &Guard::states(&[ChatState::Bot]), &waiting(p, since))
                .await
                .unwrap();
        }
    }
    let mut other = chat("e");
    other.force = ForceId::parse("other").unwrap();
    s.create_chat(&other).await.unwrap();
    s.update_chat(
        &other.id,
        &Guard::states(&[ChatState::Bot]),
        &waiting(Priority::Emergency, 0),
    )
    .await
    .unwrap();
    let q: Vec<String> = s
        .waiting_chats(&force, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id.to_string())
        .collect();
    assert_eq!(q, vec!["c", "b", "a"]);
    // Claimed chats leave the queue and show under their operator.
    s.update_chat(
        &ChatId::parse("b").unwrap(),
        &Guard::states(&[ChatState::Waiting]),
        &claim("op1"),
    )
    .await
    .unwrap();
    let q: Vec<String> = s
        .waiting_chats(&force, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id.to_string())
        .collect();
    assert_eq!(q, vec!["c", "a"]);
    let held = s.chats_held_by(&op("op1")).await.unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].id.as_str(), "b");
    let end = ChatPatch {
        state: Some(ChatState::Ended),
        ..Default::default()
    };
    s.update_chat(
        &ChatId::parse("b").unwrap(),
        &Guard::held_by(&op("op1")),
        &end,
    )
    .await
    .unwrap();
    assert!(s.chats_held_by(&op("op1")).await.unwrap().is_empty());
}

fn conn(id: &str, role: Role) -> Connection {
    Connection {
        id: ConnectionId::parse(id).unwrap(),
        role,
        chat: None,
        connected_ms: 1,
        expires_at: 2_000_000_000,
        presence: Default::default(),
        supervisor: false,
    }
}

async fn connections_are_stored_found_by_operator_and_removed(s: Arc<dyn Store>) {
    let a = conn(
        "a=",
        Role::Operator {
            operator_id: op("alice"),
        },
    );
    let a2 = conn(
        "a2=",
        Role::Operator {
            operator_id: op("alice"),
        },
    );
    let b = conn(
        "b=",
        Role::Operator {
            operator_id: op("bob"),
        },
    );
    let c = conn("c=", Role::Citizen);
    for x in [&a, &a2, &b, &c] {
        s.put_connection(x).await.unwrap();
    }
    let all: Vec<_> = s
        .operator_connections(None)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(
        all,
        vec![a2.id.clone(), a.id.clone(), b.id.clone()],
        "sorted by connection id"
    );
    let alice: Vec<_> = s
        .operator_connections(Some(&op("alice")))
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(alice, vec![a2.id.clone(), a.id.clone()]);
    s.set_connection_chat(&c.id, &ChatId::parse("c1").unwrap())
        .await
        .unwrap();
    let got = s.get_connection(&c.id).await.unwrap().unwrap();
    assert_eq!(got.chat, Some(ChatId::parse("c1").unwrap()));
    assert_eq!(
        s.delete_connection(&c.id).await.unwrap().map(|c| c.id),
        Some(c.id.clone())
    );
    assert_eq!(s.delete_connection(&c.id).await.unwrap(), None);
    assert_eq!(s.get_connection(&c.id).await.unwrap(), None);
    // Binding a gone connection is not an error and does not bring it back.
    s.set_connection_chat(&c.id, &ChatId::parse("c1").unwrap())
        .await
        .unwrap();
    assert_eq!(s.get_connection(&c.id).await.unwrap(), None);
}

async fn the_rate_limit_counts_frames_per_window(s: Arc<dyn Store>) {
    let c = conn("c=", Role::Citizen);
    s.put_connection(&c).await.unwrap();
    let limit = RateLimit {
        max: 3,
        window_secs: 10,
    };
    for _ in 0..3 {
        assert_eq!(s.admit_frame(&c.id, 1_000, limit).await.unwrap().id, c.id);
    }
    assert!(matches!(
        s.admit_frame(&c.id, 1_005, limit).await,
        Err(RateError::Limited)
    ));
    // The next window starts afresh.
    assert!(s.admit_frame(&c.id, 1_010, limit).await.is_ok());
    let unknown = s
        .admit_frame(&ConnectionId::parse("zz").unwrap(), 1_000, limit)
        .await;
    assert!(matches!(unknown, Err(RateError::NotFound)));
}

macro_rules! contract {
    ($($case:ident),* $(,)?) => {
        mod embedded {
            $( #[tokio::test] async fn $case() { super::$case(bluelamp_tests::fresh_store(super::StoreKind::Embedded).await).await } )*
        }
        mod dynamodb {
            $( #[tokio::test] async fn $case() { super::$case(bluelamp_tests::fresh_store(super::StoreKind::Dynamo).await).await } )*
        }
    };
}

contract!(
    a_created_chat_reads_back_as_written,
    a_guarded_update_applies_only_in_the_expected_state,
    of_twenty_simultaneous_claims_exactly_one_wins,
    messages_get_consecutive_sequence_numbers_under_concurrency,
    a_retried_client_message_id_stores_one_message,
    nothing_is_appended_to_an_ended_chat_and_what_was_stored_stays,
    messages_after_pages_in_order,
    a_delivery_is_marked_once_per_side_and_can_be_undone,
    the_queue_serves_emergencies_first_then_the_longest_waiting,
    connections_are_stored_found_by_operator_and_removed,
    the_rate_limit_counts_frames_per_window,
    unanswered_questions_are_kept_per_force_newest_first,
    a_translation_is_stored_on_its_message_and_read_back_everywhere,
    an_unavailable_translation_awaits_a_retry_until_it_is_translated,
    a_message_stored_under_the_wrong_language_is_corrected_once,
    a_message_with_two_languages_to_retry_stays_listed_until_both_are_done,
    events_and_missing_messages_hold_no_translations,
    the_chat_language_and_its_settling_are_stored,
);

async fn unanswered_questions_are_kept_per_force_newest_first(s: Arc<dyn Store>) {
    use bluelamp::faq::{UnansweredQuestion, UnansweredReason};
    let demo = ForceId::parse("demo").unwrap();
    let q = |force: &ForceId, secs: i64, word: &str| UnansweredQuestion {
        force: force.clone(),
        at: chrono::DateTime::from_timestamp(1_795_000_000 + secs, 0).unwrap(),
        reason: UnansweredReason::NoTopic,
        keywords: vec![word.to_owned()],
        closest: None,
        confidence: 0.1,
        language: Some(LanguageCode::english()),
    };
    s.record(q(&demo, 1, "llama")).await.unwrap();
    s.record(q(&demo, 3, "quantum")).await.unwrap();
    s.record(q(&ForceId::parse("other").unwrap(), 2, "elsewhere"))
        .await
        .unwrap();
    let recent = s.recent(&demo, 10).await.unwrap();
    let words: Vec<_> = recent.iter().map(|r| r.keywords[0].as_str()).collect();
    assert_eq!(words, vec!["quantum", "llama"]);
    assert_eq!(s.recent(&demo, 1).await.unwrap().len(), 1);
}

/// The translation cache's contract (from the library), against the DynamoDB adapter on moto;
/// the in-memory adapter runs it in the library's own tests.
#[tokio::test]
async fn the_dynamodb_translation_cache_meets_the_cache_contract() {
    let cache = bluelamp_tests::fresh_translation_cache(StoreKind::Dynamo).await;
    bluelamp::translation::testing::translation_cache_contract(cache).await;
}

#[tokio::test]
async fn the_in_memory_translation_cache_meets_the_cache_contract() {
    let cache = bluelamp_tests::fresh_translation_cache(StoreKind::Embedded).await;
    bluelamp::translation::testing::translation_cache_contract(cache).await;
}
