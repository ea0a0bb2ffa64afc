//! A report as the force receives it: one of three kinds, with the parts common to all. Every
//! field is a parsed value; a `Report` is built only by [`Report::from_body`], which applies the
//! rules across fields, so a report that exists is complete and consistent.

use super::email::Email;
use super::phone::PhoneNumber;
use super::postcode::Postcode;
use super::registration::VehicleRegistration;
use super::text::{AddressText, Detail, LocationDescription, Narrative, PersonName, ShortText};
use super::time::IncidentTime;

/// A closed set of choices, written in the API as camelCase strings.
macro_rules! choice {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $s:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in the order the API documents them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($name::$variant),)+ _ => None }
            }

            /// "one of: a, b, c", for an error message.
            pub fn choices() -> String {
                let all: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                format!("Choose one of: {}", all.join(", "))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::parse(&s).ok_or_else(|| serde::de::Error::custom(Self::choices()))
            }
        }
    };
}
pub(crate) use choice;

choice!(
    /// The three kinds of online report.
    ReportKind {
        Crime => "crime",
        /// A road traffic collision in which nobody was hurt.
        Collision => "collision",
        AntisocialBehaviour => "antisocialBehaviour",
    }
);

choice!(
    /// Crimes that can be reported online. Burglary and assault only after the event: one
    /// happening now is a 999 call.
    CrimeCategory {
        Theft => "theft",
        CriminalDamage => "criminalDamage",
        Burglary => "burglary",
        Assault => "assault",
        /// Taken, but the citizen is pointed to Report Fraud (see `signpost`).
        Fraud => "fraud",
        Other => "other",
    }
);

choice!(
    /// The Home Office's three categories of anti-social behaviour.
    AsbCategory {
        /// Aimed at a person or a group (intimidation, harassment).
        Personal => "personal",
        /// Trouble or annoyance to a community (noise, rowdiness).
        Nuisance => "nuisance",
        /// Harm to the surroundings (graffiti, fly-tipping, abandoned vehicles).
        Environmental => "environmental",
    }
);

choice!(
    /// How often the behaviour happens.
    AsbFrequency {
        Once => "once",
        Daily => "daily",
        SeveralTimesAWeek => "severalTimesAWeek",
        Weekly => "weekly",
        Monthly => "monthly",
        Occasionally => "occasionally",
    }
);

choice!(
    /// How the reporter would like to be contacted.
    ContactPreference {
        Phone => "phone",
        Email => "email",
    }
);

choice!(
    /// The reporter's part in what happened, as written in the API.
    RoleKind {
        Victim => "victim",
        Witness => "witness",
        /// Reporting for someone else (a relative, a neighbour, a client).
        OnBehalf => "onBehalf",
    }
);

/// The reporter's part in what happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReporterRole {
    Victim,
    Witness,
    OnBehalf {
        name: PersonName,
        relationship: Option<ShortText>,
    },
}

impl ReporterRole {
    pub fn kind(&self) -> RoleKind {
        match self {
            ReporterRole::Victim => RoleKind::Victim,
            ReporterRole::Witness => RoleKind::Witness,
            ReporterRole::OnBehalf { .. } => RoleKind::OnBehalf,
        }
    }
}

/// How to reach the reporter: the preferred way always has its detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    phone: Option<PhoneNumber>,
    email: Option<Email>,
    preferred: ContactPreference,
}

impl Contact {
    /// `None` when the preferred way has no detail to go with it.
    pub fn new(
        phone: Option<PhoneNumber>,
        email: Option<Email>,
        preferred: ContactPreference,
    ) -> Option<Self> {
        let has = match preferred {
            ContactPreference::Phone => phone.is_some(),
            ContactPreference::Email => email.is_some(),
        };
        has.then_some(Self {
            phone,
            email,
            preferred,
        })
    }

    pub fn phone(&self) -> Option<&PhoneNumber> {
        self.phone.as_ref()
    }
    pub fn email(&self) -> Option<&Email> {
        self.email.as_ref()
    }
    pub fn preferred(&self) -> ContactPreference {
        self.preferred
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reporter {
    pub name: PersonName,
    pub role: ReporterRole,
    pub contact: Contact,
}

/// Where it happened: at least one of an address, a postcode or a description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    address: Option<AddressText>,
    postcode: Option<Postcode>,
    description: Option<LocationDescription>,
}

impl Location {
    /// `None` when all three are missing.
    pub fn new(
        address: Option<AddressText>,
        postcode: Option<Postcode>,
        description: Option<LocationDescription>,
    ) -> Option<Self> {
        (address.is_some() || postcode.is_some() || description.is_some()).then_some(Self {
            address,
            postcode,
            description,
        })
    }

    pub fn address(&self) -> Option<&AddressText> {
        self.address.as_ref()
    }
    pub fn postcode(&self) -> Option<&Postcode> {
        self.postcode.as_ref()
    }
    pub fn description(&self) -> Option<&LocationDescription> {
        self.description.as_ref()
    }
}

/// The citizen's declaration that the report is true and that the force may use it. It exists
/// only when they made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Declaration(());

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("You must confirm that the information is true to the best of your knowledge")]
pub struct DeclarationError;

impl super::error::FieldRule for DeclarationError {
    fn code(&self) -> &'static str {
        "must_be_true"
    }
}

impl Declaration {
    pub fn parse(accepted: bool) -> Result<Self, DeclarationError> {
        if accepted {
            Ok(Self(()))
        } else {
            Err(DeclarationError)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrimeDetails {
    pub category: CrimeCategory,
    /// What was stolen or damaged.
    pub property: Option<Detail>,
    /// Who did it, if known or seen.
    pub suspect: Option<Detail>,
    /// A vehicle the suspect used.
    pub suspect_vehicle: Option<VehicleRegistration>,
}

/// The most vehicles one collision report takes.
pub const MAX_VEHICLES: usize = 6;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vehicle {
    pub registration: VehicleRegistration,
    pub make: Option<ShortText>,
    pub model: Option<ShortText>,
    pub colour: Option<ShortText>,
}

/// The other driver or owner, as far as the reporter knows them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OtherParty {
    pub name: Option<PersonName>,
    pub phone: Option<PhoneNumber>,
    pub address: Option<AddressText>,
    pub insurer: Option<ShortText>,
    pub policy_number: Option<ShortText>,
}

/// The reporter's own insurance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Insurance {
    pub insurer: ShortText,
    pub policy_number: Option<ShortText>,
}

/// A damage-only collision: nobody was hurt (a collision with injuries is not taken online).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollisionDetails {
    /// One to [`MAX_VEHICLES`]; the reporter's own vehicle first, if they were driving.
    pub vehicles: Vec<Vehicle>,
    pub other_party: Option<OtherParty>,
    /// Whether names, addresses and insurance were exchanged at the scene.
    pub details_exchanged: bool,
    pub insurance: Option<Insurance>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsbDetails {
    pub category: AsbCategory,
    pub frequency: AsbFrequency,
    /// When it tends to happen ("Friday and Saturday nights, after 11").
    pub pattern: Option<Detail>,
}

/// What only one kind of report has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportDetails {
    Crime(CrimeDetails),
    Collision(CollisionDetails),
    AntisocialBehaviour(AsbDetails),
}

/// A complete, valid online report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub(crate) details: ReportDetails,
    pub(crate) when: IncidentTime,
    pub(crate) location: Location,
    pub(crate) what_happened: Narrative,
    pub(crate) reporter: Reporter,
    pub(crate) declaration: Declaration,
    /// The chat it came from, when an operator filed it from one.
    pub(crate) chat: Option<crate::domain::ChatId>,
}

impl Report {
    pub fn kind(&self) -> ReportKind {
        match self.details {
            ReportDetails::Crime(_) => ReportKind::Crime,
            ReportDetails::Collision(_) => ReportKind::Collision,
            ReportDetails::AntisocialBehaviour(_) => ReportKind::AntisocialBehaviour,
        }
    }
    pub fn details(&self) -> &ReportDetails {
        &self.details
    }
    pub fn when(&self) -> &IncidentTime {
        &self.when
    }
    pub fn location(&self) -> &Location {
        &self.location
    }
    pub fn what_happened(&self) -> &Narrative {
        &self.what_happened
    }
    pub fn reporter(&self) -> &Reporter {
        &self.reporter
    }
    pub fn declaration(&self) -> Declaration {
        self.declaration
    }

    /// Every piece of free text the citizen wrote about what happened, for signposting.
    pub fn free_texts(&self) -> Vec<&str> {
        let mut texts = vec![self.what_happened.as_str()];
        if let Some(d) = self.location.description() {
            texts.push(d.as_str());
        }
        match &self.details {
            ReportDetails::Crime(c) => {
                texts.extend(c.property.iter().map(Detail::as_str));
                texts.extend(c.suspect.iter().map(Detail::as_str));
            }
            ReportDetails::Collision(_) => {}
            ReportDetails::AntisocialBehaviour(a) => {
                texts.extend(a.pattern.iter().map(Detail::as_str));
            }
        }
        texts
    }
}
