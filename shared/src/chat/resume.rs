//! Resume tokens: `{chat id}.{secret}`. Only a hash of the secret is stored, so a leaked
//! table does not let anyone take over a chat.

use crate::domain::ChatId;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the resume token is malformed")]
pub struct ResumeTokenError;

#[derive(Clone, PartialEq, Eq)]
pub struct ResumeToken {
    pub chat_id: ChatId,
    secret: String,
}

impl std::fmt::Debug for ResumeToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResumeToken")
            .field("chat_id", &self.chat_id)
            .finish_non_exhaustive()
    }
}

impl ResumeToken {
    /// A new token for a chat: 256 random bits.
    pub fn issue(chat_id: ChatId) -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Self {
            chat_id,
            secret: base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes),
        }
    }

    pub fn parse(s: &str) -> Result<Self, ResumeTokenError> {
        let (chat, secret) = s.split_once('.').ok_or(ResumeTokenError)?;
        let chat_id = ChatId::parse(chat).map_err(|_| ResumeTokenError)?;
        let valid = secret.len() == 43
            && secret
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !valid {
            return Err(ResumeTokenError);
        }
        Ok(Self {
            chat_id,
            secret: secret.to_owned(),
        })
    }

    /// What the store keeps.
    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.secret.as_bytes()))
    }

    /// Compares with a stored hash in constant time.
    pub fn matches(&self, stored_hash: &str) -> bool {
        let mine = self.hash();
        mine.len() == stored_hash.len()
            && mine
                .bytes()
                .zip(stored_hash.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }

    /// The token as the client keeps it.
    pub fn reveal(&self) -> String {
        format!("{}.{}", self.chat_id, self.secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_round_trips_and_matches_only_its_own_hash() {
        let t = ResumeToken::issue(ChatId::parse("c1").unwrap());
        let parsed = ResumeToken::parse(&t.reveal()).unwrap();
        assert!(parsed.matches(&t.hash()));
        let other = ResumeToken::issue(ChatId::parse("c1").unwrap());
        assert!(!parsed.matches(&other.hash()));
    }

    #[test]
    fn malformed_tokens_are_refused_and_debug_hides_the_secret() {
        for bad in [
            "",
            "c1",
            "c1.",
            "c1.short",
            "c#1.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        ] {
            assert!(ResumeToken::parse(bad).is_err(), "{bad}");
        }
        let t = ResumeToken::issue(ChatId::parse("c1").unwrap());
        assert!(!format!("{t:?}").contains(&t.reveal()[3..]));
    }
}
