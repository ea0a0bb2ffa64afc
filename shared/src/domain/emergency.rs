//! Why a chat (or a report) was flagged as an emergency: a reason code, never the words. The
//! emergency data's schema (`faq/emergency/schema.rs`) and `shared/build.rs` use this type to
//! read and check the lexicon, so this file depends on nothing but `serde` and std (the build
//! script includes it by path).

use serde::{Deserialize, Serialize};

macro_rules! codes {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)*];

            /// The stable snake_case code, as the files and the protocol write it.
            pub fn code(self) -> &'static str {
                match self {
                    $(Self::$variant => $code,)*
                }
            }

            /// The value of a code.
            pub fn from_code(code: &str) -> Option<Self> {
                match code {
                    $($code => Some(Self::$variant),)*
                    _ => None,
                }
            }
        }
    };
}
pub(crate) use codes;

codes! {
    /// Why the detector fired, for the operator who picks the chat up. Stable snake_case
    /// codes; the order is the order of precedence (the first that fired is the main reason).
    EmergencyReason {
        ThreatToKill = "threat_to_kill",
        Weapon = "weapon",
        Violence = "violence",
        BreakIn = "break_in",
        Fire = "fire",
        Medical = "medical",
        SuicideRisk = "suicide_risk",
        ExplosiveOrAttack = "explosive_or_attack",
        Abduction = "abduction",
        VulnerablePersonAtRisk = "vulnerable_person_at_risk",
        MissingVulnerablePerson = "missing_vulnerable_person",
        CollisionWithInjuries = "collision_with_injuries",
        BeingFollowed = "being_followed",
        CrimeInProgress = "crime_in_progress",
        InDanger = "in_danger",
        CryForHelp = "cry_for_help",
    }
}

impl Serialize for EmergencyReason {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for EmergencyReason {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Self::from_code(&code)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown emergency reason {code:?}")))
    }
}

impl std::fmt::Display for EmergencyReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}
