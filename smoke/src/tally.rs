//! What a run asked of the service, counted as it happened on the client's side: sockets,
//! frames each way, calls to the reports API. Each maps to what AWS bills (see
//! docs/operations.md, "The cost per 1,000 chats"): a socket is a `$connect` and a
//! `$disconnect` (two `connect` invocations, and an authorizer invocation for an operator's),
//! a frame sent is a `message` invocation and an API Gateway message, a frame received is a
//! `PostToConnection` and an API Gateway message, a reports call is a REST request and a
//! `report-intake` invocation.

use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Citizen,
    Operator,
}

/// The counts themselves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub citizen_sockets: u64,
    pub operator_sockets: u64,
    pub sockets_closed: u64,
    pub citizen_frames_sent: u64,
    pub operator_frames_sent: u64,
    pub citizen_frames_received: u64,
    pub operator_frames_received: u64,
    pub reports_api_calls: u64,
    /// The highest `seq` of the chat: every entry of a chat (message, bot answer, event) is one
    /// item written with `MSG#`, so one stream record for each of the two consumers.
    pub chat_entries: u64,
}

impl Counts {
    pub fn frames_sent(&self) -> u64 {
        self.citizen_frames_sent + self.operator_frames_sent
    }

    pub fn frames_received(&self) -> u64 {
        self.citizen_frames_received + self.operator_frames_received
    }

    /// One line, ids and numbers only.
    pub fn summary(&self) -> String {
        format!(
            "sockets {} citizen + {} operator; frames sent {} citizen + {} operator; frames received {} citizen + {} operator; reports API calls {}; chat entries {}",
            self.citizen_sockets,
            self.operator_sockets,
            self.citizen_frames_sent,
            self.operator_frames_sent,
            self.citizen_frames_received,
            self.operator_frames_received,
            self.reports_api_calls,
            self.chat_entries
        )
    }
}

/// Shared by the run's sockets and HTTP calls.
#[derive(Debug, Clone, Default)]
pub struct Tally(Arc<Mutex<Counts>>);

impl Tally {
    fn with(&self, f: impl FnOnce(&mut Counts)) {
        f(&mut self.0.lock().unwrap_or_else(|p| p.into_inner()));
    }

    pub fn counts(&self) -> Counts {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn socket_opened(&self, side: Side) {
        self.with(|c| match side {
            Side::Citizen => c.citizen_sockets += 1,
            Side::Operator => c.operator_sockets += 1,
        })
    }

    pub fn socket_closed(&self, _: Side) {
        self.with(|c| c.sockets_closed += 1)
    }

    pub fn frame_sent(&self, side: Side) {
        self.with(|c| match side {
            Side::Citizen => c.citizen_frames_sent += 1,
            Side::Operator => c.operator_frames_sent += 1,
        })
    }

    pub fn frame_received(&self, side: Side) {
        self.with(|c| match side {
            Side::Citizen => c.citizen_frames_received += 1,
            Side::Operator => c.operator_frames_received += 1,
        })
    }

    pub fn reports_call(&self) {
        self.with(|c| c.reports_api_calls += 1)
    }

    pub fn chat_entries(&self, seq: u64) {
        self.with(|c| c.chat_entries = c.chat_entries.max(seq))
    }
}
