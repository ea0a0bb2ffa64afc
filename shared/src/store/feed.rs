//! Where a store announces each message it has just stored. In AWS the chats table's stream
//! does this (DynamoDB Streams feeds `translate` and `faq-reply`), so the deployed functions
//! attach nothing — and, built without the `local` feature, carry none of it. The local
//! gateway attaches its stand-in for the stream here (`bluelamp-local`, `stream.rs`), so it
//! wraps no store method.

use crate::domain::ChatMessage;

/// Told of every message a store stores (never of a duplicate send), in order per chat.
#[cfg(feature = "local")]
pub trait MessageFeed: Send + Sync {
    fn stored(&self, message: &ChatMessage, expires_at: i64);
}

/// A store's feed: nothing, or (with the `local` feature) a [`MessageFeed`].
#[derive(Clone, Default)]
pub(super) struct Feed {
    #[cfg(feature = "local")]
    to: Option<std::sync::Arc<dyn MessageFeed>>,
}

impl Feed {
    #[cfg(feature = "local")]
    pub(super) fn to(feed: std::sync::Arc<dyn MessageFeed>) -> Self {
        Self { to: Some(feed) }
    }

    #[cfg_attr(not(feature = "local"), allow(unused_variables))]
    pub(super) fn stored(&self, message: &ChatMessage, expires_at: i64) {
        #[cfg(feature = "local")]
        if let Some(feed) = &self.to {
            feed.stored(message, expires_at);
        }
    }
}
