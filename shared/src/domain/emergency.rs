//! Why a chat (or a report) was flagged as an emergency: a reason code, never the words.

use serde::{Deserialize, Serialize};

/// Why the detector fired, for the operator who picks the chat up. Stable snake_case codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmergencyReason {
    ThreatToKill,
    Weapon,
    Violence,
    BreakIn,
    Fire,
    Medical,
    SuicideRisk,
    ExplosiveOrAttack,
    Abduction,
    VulnerablePersonAtRisk,
    MissingVulnerablePerson,
    CollisionWithInjuries,
    BeingFollowed,
    CrimeInProgress,
    InDanger,
    CryForHelp,
}

impl EmergencyReason {
    /// The stable code, as serialised.
    pub fn code(self) -> &'static str {
        match self {
            Self::ThreatToKill => "threat_to_kill",
            Self::Weapon => "weapon",
            Self::Violence => "violence",
            Self::BreakIn => "break_in",
            Self::Fire => "fire",
            Self::Medical => "medical",
            Self::SuicideRisk => "suicide_risk",
            Self::ExplosiveOrAttack => "explosive_or_attack",
            Self::Abduction => "abduction",
            Self::VulnerablePersonAtRisk => "vulnerable_person_at_risk",
            Self::MissingVulnerablePerson => "missing_vulnerable_person",
            Self::CollisionWithInjuries => "collision_with_injuries",
            Self::BeingFollowed => "being_followed",
            Self::CrimeInProgress => "crime_in_progress",
            Self::InDanger => "in_danger",
            Self::CryForHelp => "cry_for_help",
        }
    }
}

impl std::fmt::Display for EmergencyReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}
