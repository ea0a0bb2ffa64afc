//! The JSON body of `POST /reports` and how it becomes a [`Report`]: a serde shape of plain
//! strings (so that a bad value is a field error, not a failed parse) that refuses unknown
//! fields, then one pass that checks every field and collects every error.

use super::email::Email;
use super::error::{Collector, FieldError, FieldRule};
use super::model::*;
use super::phone::PhoneNumber;
use super::postcode::Postcode;
use super::registration::VehicleRegistration;
use super::strict::Objects;
use super::text::*;
use super::time::{IncidentTime, OccurredAt};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The report as sent by a client, and as shown back to an operator.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReportBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when: Option<WhenBody>,
    #[serde(rename = "where", skip_serializing_if = "Option::is_none")]
    pub location: Option<WhereBody>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub what_happened: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reporter: Option<ReporterBody>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crime: Option<CrimeBody>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collision: Option<CollisionBody>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub antisocial_behaviour: Option<AsbBody>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declaration: Option<bool>,
    /// The chat an operator turned into this report, when they filed it from the console.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chat_id: Option<String>,
}

impl FieldRule for crate::domain::ParseIdError {
    fn code(&self) -> &'static str {
        "invalid_chat_id"
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WhenBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WhereBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReporterBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<OnBehalfBody>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_contact: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OnBehalfBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relationship: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CrimeBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub property: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suspect: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suspect_vehicle: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CollisionBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vehicles: Option<Vec<VehicleBody>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anyone_injured: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details_exchanged: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_party: Option<OtherPartyBody>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub insurance: Option<InsuranceBody>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VehicleBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registration: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub make: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub colour: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OtherPartyBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub insurer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_number: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InsuranceBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub insurer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_number: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AsbBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frequency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
}

/// Reads a JSON body into a report, checking dates against `now`. On failure, every field
/// error at once; a body that is not JSON of the right shape gets one error, at the place where
/// reading stopped.
pub fn parse_report_json(json: &[u8], now: DateTime<Utc>) -> Result<Report, Vec<FieldError>> {
    let body: ReportBody = parse_json_body(json)?;
    Report::from_body(&body, Some(now))
}

/// Reads any strict JSON body shape, turning a serde failure into a field error that names
/// where it happened without repeating the value.
///
/// Text that is not JSON is `malformed_json` whatever shape it starts with (it is read as JSON
/// first, before any field is looked at), and an object is never read from a list
/// ([`Objects`]), at any depth: both for every body type read here.
pub fn parse_json_body<T: serde::de::DeserializeOwned>(json: &[u8]) -> Result<T, Vec<FieldError>> {
    serde_json::from_slice::<serde::de::IgnoredAny>(json).map_err(|_| vec![malformed()])?;
    let mut de = serde_json::Deserializer::from_slice(json);
    let value: T =
        serde_path_to_error::deserialize(Objects(&mut de)).map_err(|e| vec![structural(&e)])?;
    de.end().map_err(|_| vec![malformed()])?;
    Ok(value)
}

fn malformed() -> FieldError {
    FieldError::new("body", "malformed_json", "The body is not valid JSON")
}

fn structural(e: &serde_path_to_error::Error<serde_json::Error>) -> FieldError {
    use serde_json::error::Category;
    let inner = e.inner();
    if inner.classify() != Category::Data {
        return malformed();
    }
    let mut field = e.path().to_string();
    if field == "." || field.is_empty() {
        field = "body".to_owned();
    }
    // A field name comes from the client: keep it short and printable.
    if field.len() > 200 || field.chars().any(char::is_control) {
        field = "body".to_owned();
    }
    let text = inner.to_string();
    if text.starts_with("unknown field") {
        return FieldError::new(
            field,
            "unknown_field",
            "This field is not part of the request",
        );
    }
    if text.starts_with("invalid type") {
        let expected = text
            .rsplit_once(", expected ")
            .map(|(_, rest)| rest.split(" at line ").next().unwrap_or(rest))
            .map(|exp| {
                if exp.starts_with("struct ") || exp.starts_with("a map") {
                    "an object"
                } else if exp.starts_with("a sequence") {
                    "a list"
                } else if exp.contains("bool") {
                    "true or false"
                } else if exp.contains("string") {
                    "text"
                } else {
                    "a different type"
                }
            })
            .unwrap_or("a different type");
        return FieldError::new(field, "wrong_type", format!("Expected {expected}"));
    }
    FieldError::new(field, "invalid_value", "This value is not valid here")
}

/// An optional text: absent, null or blank means not given.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|s| !s.trim().is_empty())
}

fn optional<T, E: FieldRule>(
    c: &mut Collector,
    field: &str,
    v: &Option<String>,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Option<T> {
    given(v).and_then(|s| c.check(field, parse(s)))
}

fn required<T, E: FieldRule>(
    c: &mut Collector,
    field: &str,
    what: &str,
    v: &Option<String>,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Option<T> {
    c.required(field, given(v), what)
        .and_then(|s| c.check(field, parse(s)))
}

fn choice<T>(
    c: &mut Collector,
    field: &str,
    what: &str,
    v: &Option<String>,
    parse: fn(&str) -> Option<T>,
    choices: fn() -> String,
) -> Option<T> {
    let s = c.required(field, given(v), what)?;
    let parsed = parse(s.trim());
    if parsed.is_none() {
        c.push(field, "invalid_choice", &choices());
    }
    parsed
}

fn time(
    c: &mut Collector,
    field: &str,
    v: &Option<String>,
    need: bool,
    now: Option<DateTime<Utc>>,
) -> Option<OccurredAt> {
    let parse = |s: &str| match now {
        Some(now) => OccurredAt::parse(s, now),
        None => OccurredAt::parse_format(s),
    };
    if need {
        required(c, field, "when it happened", v, parse)
    } else {
        optional(c, field, v, parse)
    }
}

impl Report {
    /// Applies every field rule and every rule across fields. With `now`, dates must be in the
    /// past and within [`super::MAX_AGE_DAYS`]; without it (a report read back from storage)
    /// only their format is checked.
    pub fn from_body(
        b: &ReportBody,
        now: Option<DateTime<Utc>>,
    ) -> Result<Report, Vec<FieldError>> {
        let mut c = Collector::default();

        let kind = choice(
            &mut c,
            "kind",
            "the kind of report",
            &b.kind,
            ReportKind::parse,
            ReportKind::choices,
        );

        let when = c
            .required("when", b.when.as_ref(), "when it happened")
            .and_then(|w| {
                let from = time(&mut c, "when.from", &w.from, true, now);
                let to = time(&mut c, "when.to", &w.to, false, now);
                let from = from?;
                c.check("when.to", IncidentTime::new(from, to))
            });

        let location = c
            .required("where", b.location.as_ref(), "where it happened")
            .and_then(|w| {
                let address = optional(&mut c, "where.address", &w.address, AddressText::parse);
                let postcode = optional(&mut c, "where.postcode", &w.postcode, Postcode::parse);
                let description = optional(
                    &mut c,
                    "where.description",
                    &w.description,
                    LocationDescription::parse,
                );
                let any_given = [&w.address, &w.postcode, &w.description]
                    .iter()
                    .any(|v| given(v).is_some());
                if !any_given {
                    c.push(
                        "where",
                        "required",
                        "Enter an address, a postcode or a description of the place",
                    );
                }
                Location::new(address, postcode, description)
            });

        let what_happened = required(
            &mut c,
            "whatHappened",
            "what happened",
            &b.what_happened,
            Narrative::parse,
        );
        let reporter = c
            .required("reporter", b.reporter.as_ref(), "your details")
            .and_then(|r| reporter(&mut c, r));

        let declaration = match b.declaration {
            None => {
                c.push("declaration", "required", &DeclarationError.to_string());
                None
            }
            Some(accepted) => c.check("declaration", Declaration::parse(accepted)),
        };

        let details = kind_details(&mut c, kind, b);
        let chat = optional(&mut c, "chatId", &b.chat_id, |s: &str| {
            crate::domain::ChatId::parse(s)
        });

        let report = (|| {
            Some(Report {
                details: details?,
                when: when?,
                location: location?,
                what_happened: what_happened?,
                reporter: reporter?,
                declaration: declaration?,
                chat: chat.clone(),
            })
        })();
        c.into_result(report)
    }

    /// The body that reads back as this report: what an operator is shown, and what is stored.
    pub fn to_body(&self) -> ReportBody {
        fn s(v: impl ToString) -> Option<String> {
            Some(v.to_string())
        }
        let reporter = &self.reporter;
        let (on_behalf_of, role) = match &reporter.role {
            ReporterRole::OnBehalf { name, relationship } => (
                Some(OnBehalfBody {
                    name: s(name),
                    relationship: relationship.as_ref().map(ToString::to_string),
                }),
                RoleKind::OnBehalf,
            ),
            other => (None, other.kind()),
        };
        let mut body = ReportBody {
            kind: s(self.kind()),
            when: Some(WhenBody {
                from: s(self.when.from()),
                to: self.when.to().map(|t| t.to_string()),
            }),
            location: Some(WhereBody {
                address: self.location.address().map(ToString::to_string),
                postcode: self.location.postcode().map(ToString::to_string),
                description: self.location.description().map(ToString::to_string),
            }),
            what_happened: s(&self.what_happened),
            reporter: Some(ReporterBody {
                name: s(&reporter.name),
                role: s(role),
                on_behalf_of,
                phone: reporter.contact.phone().map(ToString::to_string),
                email: reporter.contact.email().map(ToString::to_string),
                preferred_contact: s(reporter.contact.preferred()),
            }),
            declaration: Some(true),
            chat_id: self.chat.as_ref().map(ToString::to_string),
            ..ReportBody::default()
        };
        let t = |v: &Option<ShortText>| v.as_ref().map(ToString::to_string);
        let d = |v: &Option<Detail>| v.as_ref().map(ToString::to_string);
        match &self.details {
            ReportDetails::Crime(cr) => {
                body.crime = Some(CrimeBody {
                    category: s(cr.category),
                    property: d(&cr.property),
                    suspect: d(&cr.suspect),
                    suspect_vehicle: cr.suspect_vehicle.as_ref().map(ToString::to_string),
                })
            }
            ReportDetails::Collision(co) => {
                body.collision = Some(CollisionBody {
                    vehicles: Some(
                        co.vehicles
                            .iter()
                            .map(|v| VehicleBody {
                                registration: s(&v.registration),
                                make: t(&v.make),
                                model: t(&v.model),
                                colour: t(&v.colour),
                            })
                            .collect(),
                    ),
                    anyone_injured: Some(false),
                    details_exchanged: Some(co.details_exchanged),
                    other_party: co.other_party.as_ref().map(|p| OtherPartyBody {
                        name: p.name.as_ref().map(ToString::to_string),
                        phone: p.phone.as_ref().map(ToString::to_string),
                        address: p.address.as_ref().map(ToString::to_string),
                        insurer: t(&p.insurer),
                        policy_number: t(&p.policy_number),
                    }),
                    insurance: co.insurance.as_ref().map(|i| InsuranceBody {
                        insurer: s(&i.insurer),
                        policy_number: t(&i.policy_number),
                    }),
                })
            }
            ReportDetails::AntisocialBehaviour(a) => {
                body.antisocial_behaviour = Some(AsbBody {
                    category: s(a.category),
                    frequency: s(a.frequency),
                    pattern: d(&a.pattern),
                })
            }
        }
        body
    }
}

fn reporter(c: &mut Collector, r: &ReporterBody) -> Option<Reporter> {
    let name = required(c, "reporter.name", "your name", &r.name, PersonName::parse);
    let role_kind = choice(
        c,
        "reporter.role",
        "whether you are the victim or a witness",
        &r.role,
        RoleKind::parse,
        RoleKind::choices,
    );
    let role = match (role_kind, &r.on_behalf_of) {
        (Some(RoleKind::OnBehalf), None) => {
            c.push(
                "reporter.onBehalfOf",
                "required",
                "Enter the name of the person you are reporting for",
            );
            None
        }
        (Some(RoleKind::OnBehalf), Some(o)) => {
            let name = required(
                c,
                "reporter.onBehalfOf.name",
                "their name",
                &o.name,
                PersonName::parse,
            );
            let relationship = optional(
                c,
                "reporter.onBehalfOf.relationship",
                &o.relationship,
                ShortText::parse,
            );
            name.map(|name| ReporterRole::OnBehalf { name, relationship })
        }
        (Some(_), Some(_)) => {
            c.push(
                "reporter.onBehalfOf",
                "not_allowed",
                "Only give this when reporting on behalf of someone else",
            );
            None
        }
        (Some(RoleKind::Victim), None) => Some(ReporterRole::Victim),
        (Some(RoleKind::Witness), None) => Some(ReporterRole::Witness),
        (None, _) => None,
    };
    let phone = optional(c, "reporter.phone", &r.phone, PhoneNumber::parse);
    let email = optional(c, "reporter.email", &r.email, Email::parse);
    let preferred = choice(
        c,
        "reporter.preferredContact",
        "how you would like to be contacted",
        &r.preferred_contact,
        ContactPreference::parse,
        ContactPreference::choices,
    );
    let contact = preferred.and_then(|p| {
        let contact = Contact::new(phone.clone(), email.clone(), p);
        if contact.is_none() {
            // Only complain when the detail is missing, not when it was given but invalid.
            match p {
                ContactPreference::Phone if given(&r.phone).is_none() => c.push(
                    "reporter.phone",
                    "required",
                    "Enter a phone number, to be contacted by phone",
                ),
                ContactPreference::Email if given(&r.email).is_none() => c.push(
                    "reporter.email",
                    "required",
                    "Enter an email address, to be contacted by email",
                ),
                _ => {}
            }
        }
        contact
    });
    Some(Reporter {
        name: name?,
        role: role?,
        contact: contact?,
    })
}

fn kind_details(
    c: &mut Collector,
    kind: Option<ReportKind>,
    b: &ReportBody,
) -> Option<ReportDetails> {
    let blocks = [
        (ReportKind::Crime, "crime", b.crime.is_some()),
        (ReportKind::Collision, "collision", b.collision.is_some()),
        (
            ReportKind::AntisocialBehaviour,
            "antisocialBehaviour",
            b.antisocial_behaviour.is_some(),
        ),
    ];
    for (block_kind, name, present) in blocks {
        match kind {
            Some(k) if k == block_kind && !present => {
                c.push(
                    name,
                    "required",
                    &format!("Enter the details of the {}", describe(k)),
                );
            }
            Some(k) if k != block_kind && present => {
                c.push(
                    name,
                    "not_for_kind",
                    "Only the details for the kind of report chosen may be given",
                );
            }
            _ => {}
        }
    }
    // When the kind is unknown, still check every block given, so that its errors show too.
    let wanted = |k: ReportKind| kind.is_none_or(|kind| kind == k);
    let crime = b
        .crime
        .as_ref()
        .filter(|_| wanted(ReportKind::Crime))
        .and_then(|cb| crime(c, cb));
    let collision = b
        .collision
        .as_ref()
        .filter(|_| wanted(ReportKind::Collision))
        .and_then(|cb| collision(c, cb));
    let asb = b
        .antisocial_behaviour
        .as_ref()
        .filter(|_| wanted(ReportKind::AntisocialBehaviour))
        .and_then(|ab| asb(c, ab));
    match kind? {
        ReportKind::Crime => crime.map(ReportDetails::Crime),
        ReportKind::Collision => collision.map(ReportDetails::Collision),
        ReportKind::AntisocialBehaviour => asb.map(ReportDetails::AntisocialBehaviour),
    }
}

fn describe(k: ReportKind) -> &'static str {
    match k {
        ReportKind::Crime => "crime",
        ReportKind::Collision => "collision",
        ReportKind::AntisocialBehaviour => "anti-social behaviour",
    }
}

fn crime(c: &mut Collector, b: &CrimeBody) -> Option<CrimeDetails> {
    let category = choice(
        c,
        "crime.category",
        "the type of crime",
        &b.category,
        CrimeCategory::parse,
        CrimeCategory::choices,
    );
    let property = optional(c, "crime.property", &b.property, Detail::parse);
    let suspect = optional(c, "crime.suspect", &b.suspect, Detail::parse);
    let suspect_vehicle = optional(
        c,
        "crime.suspectVehicle",
        &b.suspect_vehicle,
        VehicleRegistration::parse,
    );
    Some(CrimeDetails {
        category: category?,
        property,
        suspect,
        suspect_vehicle,
    })
}

fn bool_required(c: &mut Collector, field: &str, v: Option<bool>, what: &str) -> Option<bool> {
    c.required(field, v, what)
}

fn collision(c: &mut Collector, b: &CollisionBody) -> Option<CollisionDetails> {
    let vehicles = c
        .required(
            "collision.vehicles",
            b.vehicles.as_ref(),
            "the vehicles involved",
        )
        .and_then(|list| {
            if list.is_empty() {
                c.push(
                    "collision.vehicles",
                    "too_few",
                    "Enter at least one vehicle",
                );
                return None;
            }
            if list.len() > MAX_VEHICLES {
                c.push(
                    "collision.vehicles",
                    "too_many",
                    &format!(
                        "Enter at most {MAX_VEHICLES} vehicles; call 101 for a larger collision"
                    ),
                );
                return None;
            }
            let parsed: Vec<Option<Vehicle>> = list
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let f = |name: &str| format!("collision.vehicles[{i}].{name}");
                    let registration = required(
                        c,
                        &f("registration"),
                        "the registration",
                        &v.registration,
                        VehicleRegistration::parse,
                    );
                    let make = optional(c, &f("make"), &v.make, ShortText::parse);
                    let model = optional(c, &f("model"), &v.model, ShortText::parse);
                    let colour = optional(c, &f("colour"), &v.colour, ShortText::parse);
                    Some(Vehicle {
                        registration: registration?,
                        make,
                        model,
                        colour,
                    })
                })
                .collect();
            parsed.into_iter().collect::<Option<Vec<_>>>()
        });
    let injured = bool_required(
        c,
        "collision.anyoneInjured",
        b.anyone_injured,
        "whether anyone was hurt",
    );
    if injured == Some(true) {
        c.push(
            "collision.anyoneInjured",
            "injury_collision",
            "A collision in which someone was hurt cannot be reported online: call 101, or 999 if someone needs help now",
        );
    }
    let details_exchanged = bool_required(
        c,
        "collision.detailsExchanged",
        b.details_exchanged,
        "whether details were exchanged",
    );
    let other_party = b.other_party.as_ref().map(|p| OtherParty {
        name: optional(c, "collision.otherParty.name", &p.name, PersonName::parse),
        phone: optional(
            c,
            "collision.otherParty.phone",
            &p.phone,
            PhoneNumber::parse,
        ),
        address: optional(
            c,
            "collision.otherParty.address",
            &p.address,
            AddressText::parse,
        ),
        insurer: optional(
            c,
            "collision.otherParty.insurer",
            &p.insurer,
            ShortText::parse,
        ),
        policy_number: optional(
            c,
            "collision.otherParty.policyNumber",
            &p.policy_number,
            ShortText::parse,
        ),
    });
    let other_party = other_party.filter(|p| *p != OtherParty::default());
    let insurance = match &b.insurance {
        None => Some(None),
        Some(i) => {
            let insurer = required(
                c,
                "collision.insurance.insurer",
                "your insurer",
                &i.insurer,
                ShortText::parse,
            );
            let policy_number = optional(
                c,
                "collision.insurance.policyNumber",
                &i.policy_number,
                ShortText::parse,
            );
            insurer.map(|insurer| {
                Some(Insurance {
                    insurer,
                    policy_number,
                })
            })
        }
    };
    if injured? {
        return None;
    }
    Some(CollisionDetails {
        vehicles: vehicles?,
        other_party,
        details_exchanged: details_exchanged?,
        insurance: insurance?,
    })
}

fn asb(c: &mut Collector, b: &AsbBody) -> Option<AsbDetails> {
    let category = choice(
        c,
        "antisocialBehaviour.category",
        "the type of behaviour",
        &b.category,
        AsbCategory::parse,
        AsbCategory::choices,
    );
    let frequency = choice(
        c,
        "antisocialBehaviour.frequency",
        "how often it happens",
        &b.frequency,
        AsbFrequency::parse,
        AsbFrequency::choices,
    );
    let pattern = optional(c, "antisocialBehaviour.pattern", &b.pattern, Detail::parse);
    Some(AsbDetails {
        category: category?,
        frequency: frequency?,
        pattern,
    })
}
