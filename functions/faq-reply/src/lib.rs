//! The `faq-reply` function: answers a citizen message while the chat is still with the bot.
//! The stream consumer (DynamoDB Streams → bot reply) is wired here in a later change; the
//! engine itself is `bluelamp::faq`.

pub use bluelamp::faq::{FaqAnswer, FaqBot, Question};
