//! Identifiers. Each one is opaque to the client and checked on the way in, so an id that
//! reaches the store or a log line is never attacker-shaped (no separators, no control bytes).

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} must be 1 to {max} characters of letters, digits and '-', '_', '='")]
pub struct ParseIdError {
    pub kind: &'static str,
    pub max: usize,
}

fn check(kind: &'static str, max: usize, extra: &[u8], s: &str) -> Result<(), ParseIdError> {
    let ok = !s.is_empty()
        && s.len() <= max
        && s.bytes().all(|b| {
            b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'=' || extra.contains(&b)
        });
    if ok {
        Ok(())
    } else {
        Err(ParseIdError { kind, max })
    }
}

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident, $kind:literal, $max:expr) => {
        id_type!($(#[$meta])* $name, $kind, $max, b"");
    };
    ($(#[$meta:meta])* $name:ident, $kind:literal, $max:expr, $extra:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn parse(s: impl Into<String>) -> Result<Self, ParseIdError> {
                let s = s.into();
                check($kind, $max, $extra, &s)?;
                Ok(Self(s))
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::parse(s).map_err(serde::de::Error::custom)
            }
        }

        impl std::str::FromStr for $name {
            type Err = ParseIdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
    };
}

id_type!(
    /// A chat: one conversation of one citizen, from `start` to its end.
    ChatId,
    "chat id",
    64
);
id_type!(
    /// An API Gateway WebSocket connection id (e.g. `L0SM9cOFvHcCIhw=`): base64, so '+'
    /// and '/' may appear.
    ConnectionId,
    "connection id",
    128,
    b"+/"
);
id_type!(
    /// An operator, as the identity provider names them (the token's `sub`).
    OperatorId,
    "operator id",
    128
);
id_type!(
    /// The id a client gives a message so that a retried send stores one message.
    ClientMessageId,
    "client message id",
    64
);
id_type!(
    /// A police force (tenant): queues and knowledge bases are per force.
    ForceId,
    "force id",
    32
);

impl ChatId {
    /// A new random chat id: unguessable, so that a chat id alone never grants access.
    pub fn new_random() -> Self {
        Self(uuid::Uuid::new_v4().simple().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_accept_api_gateway_connection_ids() {
        assert!(ConnectionId::parse("L0SM9cOFvHcCIhw=").is_ok());
        assert!(ConnectionId::parse("a+b/c=").is_ok());
        assert!(ChatId::parse("a+b").is_err());
    }

    #[test]
    fn ids_reject_empty_separators_and_overlong_values() {
        assert!(ChatId::parse("").is_err());
        assert!(ChatId::parse("a#b").is_err());
        assert!(ChatId::parse("a b").is_err());
        assert!(ChatId::parse("x".repeat(65)).is_err());
        assert!(OperatorId::parse("op\n1").is_err());
    }

    #[test]
    fn ids_refuse_bad_values_when_deserialized() {
        assert!(serde_json::from_str::<ChatId>("\"ok-1\"").is_ok());
        assert!(serde_json::from_str::<ChatId>("\"no/slash\"").is_err());
    }
}
