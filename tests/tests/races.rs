//! Claims, hand-backs, quick exits and endings racing each other, round after round through the
//! local gateway, on both stores: whatever wins, the chat ends in a state the state machine
//! allows, and the events in its transcript, replayed from the start, lead to exactly that
//! state and operator (`docs/protocol.md`, "The chat's life").

use bluelamp::domain::{ChatEvent, ChatId, ChatState, MessageBody, OperatorId};
use bluelamp_local::Running;
use bluelamp_tests::{spawn_gateway, Client, StoreKind};
use serde_json::{json, Value};

type R = anyhow::Result<()>;

/// The state (and the operator holding it) that the transcript's events lead to, or why they
/// could not have happened in that order.
fn replay(events: &[ChatEvent]) -> Result<(ChatState, Option<OperatorId>), String> {
    let (mut state, mut operator) = (ChatState::Bot, None);
    for (i, event) in events.iter().enumerate() {
        state = match (state, event) {
            (ChatState::Ended, e) => return Err(format!("event {i} after the end: {e:?}")),
            // An ended chat keeps who held it last (they may still read how it ended).
            (_, ChatEvent::Ended { .. }) => ChatState::Ended,
            (ChatState::Bot | ChatState::Waiting, ChatEvent::Queued { .. }) => ChatState::Waiting,
            (ChatState::Waiting, ChatEvent::OperatorJoined { operator_id }) => {
                operator = Some(operator_id.clone());
                ChatState::Active
            }
            (ChatState::Active, ChatEvent::HandedBack) => {
                operator = None;
                ChatState::Waiting
            }
            (
                s,
                ChatEvent::CitizenDisconnected
                | ChatEvent::CitizenReturned
                | ChatEvent::LanguageChanged { .. }
                | ChatEvent::LanguageMismatch { .. },
            ) => s,
            (s, e) => return Err(format!("event {i} {e:?} in state {s:?}")),
        };
    }
    Ok((state, operator))
}

/// Waits for the answer to the frame a client just sent about `chat`: a frame of these types
/// for that chat, or an error.
async fn answer(client: &mut Client, chat: &str, types: &[&str]) -> anyhow::Result<Value> {
    client
        .expect_where("an answer", |v| {
            let about = v["chatId"].as_str().or(v["chat"]["chatId"].as_str());
            v["type"] == "error" || (about == Some(chat) && types.iter().any(|t| v["type"] == *t))
        })
        .await
}

async fn one_round(gw: &Running, round: usize, ops: &mut [Client; 3]) -> R {
    let mut citizen = Client::citizen(gw).await?;
    let (chat, _) = citizen.start_chat().await?;
    citizen.send(json!({"action": "request_operator"})).await?;
    citizen.expect("queued").await?;
    let [alice, bob, carol] = ops;
    alice
        .send(json!({"action": "claim", "chatId": chat}))
        .await?;
    answer(alice, &chat, &["claimed"]).await?;

    // Everyone at once, in an order that changes from round to round.
    let hand_back = json!({"action": "hand_back", "chatId": chat});
    let claim = json!({"action": "claim", "chatId": chat});
    let end = json!({"action": "end", "chatId": chat});
    let leave = json!({"action": "leave", "quick": true});
    let (a, b, c, d) = tokio::join!(
        async {
            alice
                .send(if round.is_multiple_of(3) {
                    end.clone()
                } else {
                    hand_back.clone()
                })
                .await?;
            answer(alice, &chat, &["handed_back", "chat_ended"]).await
        },
        async {
            bob.send(claim.clone()).await?;
            answer(bob, &chat, &["claimed"]).await
        },
        async {
            carol.send(claim.clone()).await?;
            answer(carol, &chat, &["claimed"]).await
        },
        async {
            if round.is_multiple_of(2) {
                citizen.send(leave.clone()).await?;
                answer(&mut citizen, &chat, &["chat_ended"]).await
            } else {
                Ok(json!(null))
            }
        },
    );
    for (who, r) in ["alice", "bob", "carol", "the citizen"]
        .iter()
        .zip([a, b, c, d])
    {
        r.map_err(|e| anyhow::anyhow!("round {round}, {who}: {e}"))?;
    }

    let id = ChatId::parse(chat.as_str())?;
    let stored = gw
        .deps
        .chats
        .get_chat(&id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the chat is gone"))?;
    let events: Vec<ChatEvent> = gw
        .deps
        .chats
        .messages_after(&id, 0, 500)
        .await?
        .into_iter()
        .filter_map(|m| match m.body {
            MessageBody::Event(e) => Some(e),
            MessageBody::Text { .. } => None,
        })
        .collect();
    let (state, operator) =
        replay(&events).map_err(|e| anyhow::anyhow!("round {round}: {e}: {events:?}"))?;
    anyhow::ensure!(
        state == stored.state,
        "round {round}: the events lead to {state:?}, the chat is {:?}: {events:?}",
        stored.state
    );
    anyhow::ensure!(
        operator == stored.operator,
        "round {round}: the events leave {operator:?} holding it, the chat says {:?} ({:?}): {events:?}",
        stored.operator,
        stored.state
    );
    // The state's own invariants.
    match stored.state {
        ChatState::Active => anyhow::ensure!(stored.operator.is_some() && stored.queue.is_none()),
        ChatState::Waiting => anyhow::ensure!(stored.operator.is_none() && stored.queue.is_some()),
        ChatState::Ended => anyhow::ensure!(stored.ended.is_some() && stored.queue.is_none()),
        ChatState::Bot => anyhow::bail!("round {round}: back with the bot"),
    }
    if stored.state != ChatState::Ended {
        // Tidy: the next round's queue holds only its own chat.
        if let Some(holder) = &stored.operator {
            let who = ["alice", "bob", "carol"]
                .iter()
                .position(|n| *n == holder.as_str())
                .unwrap_or(0);
            ops[who]
                .send(json!({"action": "end", "chatId": chat}))
                .await?;
            answer(&mut ops[who], &chat, &["chat_ended"]).await?;
        } else {
            citizen.send(json!({"action": "leave"})).await?;
            answer(&mut citizen, &chat, &["chat_ended"]).await?;
        }
    }
    Ok(())
}

async fn claims_hand_backs_quick_exits_and_endings_race_and_the_transcript_agrees(
    kind: StoreKind,
) -> R {
    let gw = spawn_gateway(kind).await;
    let mut ops = [
        Client::operator(&gw, "alice").await?,
        Client::operator(&gw, "bob").await?,
        Client::operator(&gw, "carol").await?,
    ];
    let rounds = match kind {
        StoreKind::Embedded => 200,
        StoreKind::Dynamo => 40,
    };
    for round in 0..rounds {
        one_round(&gw, round, &mut ops).await?;
        for op in ops.iter_mut() {
            op.drain(std::time::Duration::ZERO).await?;
        }
    }
    gw.stop().await;
    Ok(())
}

/// The citizen asks for a person while the bot flags their words as an emergency: two
/// functions, each moving the chat as it read it. Whichever lands first, the chat waits at the
/// front of the queue as an emergency, with its reason, and joined the queue once (one `queued`
/// event).
async fn joining_the_queue_races_an_emergency_flag_and_the_emergency_waits_first(
    kind: StoreKind,
) -> R {
    use bluelamp::domain::{Actor, EmergencyReason, Priority};
    let gw = spawn_gateway(kind).await;
    // An earlier normal chat waiting, which the emergency must jump.
    let _earlier = Client::waiting_citizen(&gw).await?;
    let rounds = match kind {
        StoreKind::Embedded => 200,
        StoreKind::Dynamo => 20,
    };
    for round in 0..rounds {
        let mut citizen = Client::citizen(&gw).await?;
        let (chat, _) = citizen.start_chat().await?;
        let id = ChatId::parse(chat.as_str())?;
        let read = gw.deps.chats.get_chat(&id).await?.expect("the chat");
        let (joined, flagged) = if round % 2 == 0 {
            tokio::join!(
                bluelamp::chat::enter_queue(&gw.deps, &read, &Actor::Citizen),
                bluelamp::chat::flag_emergency(&gw.deps, &read, EmergencyReason::Weapon),
            )
        } else {
            let (f, j) = tokio::join!(
                bluelamp::chat::flag_emergency(&gw.deps, &read, EmergencyReason::Weapon),
                bluelamp::chat::enter_queue(&gw.deps, &read, &Actor::Citizen),
            );
            (j, f)
        };
        joined.map_err(|e| anyhow::anyhow!("round {round}, joining: {e}"))?;
        flagged.map_err(|e| anyhow::anyhow!("round {round}, flagging: {e}"))?;
        let stored = gw.deps.chats.get_chat(&id).await?.expect("the chat");
        anyhow::ensure!(
            stored.state == ChatState::Waiting
                && stored.priority == Priority::Emergency
                && stored.queue.map(|q| q.priority) == Some(Priority::Emergency)
                && stored.emergency_reason == Some(EmergencyReason::Weapon),
            "round {round}: {stored:?}"
        );
        let queue = bluelamp::chat::queue_entries(&gw.deps, &gw.deps.config.force).await?;
        anyhow::ensure!(queue[0].chat_id == id, "round {round}: {queue:?}");
        let queued = gw
            .deps
            .chats
            .messages_after(&id, 0, 100)
            .await?
            .into_iter()
            .filter(|m| matches!(m.body, MessageBody::Event(ChatEvent::Queued { .. })))
            .count();
        anyhow::ensure!(queued == 1, "round {round}: queued {queued} times");
        citizen.send(json!({"action": "leave"})).await?;
        answer(&mut citizen, &chat, &["chat_ended"]).await?;
    }
    gw.stop().await;
    Ok(())
}

bluelamp_tests::both_stores!(
    claims_hand_backs_quick_exits_and_endings_race_and_the_transcript_agrees,
    joining_the_queue_races_an_emergency_flag_and_the_emergency_waits_first,
);
