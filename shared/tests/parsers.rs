//! Property tests for every parser of a domain type, chat and report alike: no string makes one
//! panic, and what one accepts it writes in a canonical form that it reads back as the same
//! value (so a value stored, logged as an id, or sent on the wire comes back unchanged).

use bluelamp::domain::{
    ChatId, ChatState, ClientMessageId, ConnectionId, ForceId, LanguageCode, MessageText,
    OperatorId, Rating, StaffedHours,
};
use bluelamp::report::store::IdempotencyKey;
use bluelamp::report::{Email, PhoneNumber, Postcode, ReportReference, VehicleRegistration};
use proptest::prelude::*;

/// Strings as an attacker or a keyboard makes them: any Unicode, printable ASCII, and the
/// shapes of ids, codes and times with a little noise.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,40}",
        "[ -~]{0,40}",
        ".{0,300}",
        "[A-Za-z0-9_=+/.-]{0,70}",
        "[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8}){0,3}",
        "[0-9]{1,2}:[0-9]{2}-[0-9]{1,2}:[0-9]{2}",
        "[A-Z]{1,2}[0-9]{1,2} ?[0-9][A-Z]{2}",
        "[+0-9 ()]{0,20}",
        "[a-z.]{1,12}@[a-z]{1,12}\\.[a-z]{2,4}",
        "[A-Za-z]{2}[0-9]{2} ?[A-Za-z]{3}",
        "[0-9a-f]{32}",
    ]
}

/// Parses, and when the text is accepted, checks that its canonical form reads back as itself.
macro_rules! round_trips {
    ($name:ident, $parse:expr, $canonical:expr) => {
        proptest! {
            #[test]
            fn $name(s in any_text()) {
                if let Ok(value) = $parse(s.as_str()) {
                    let again = $parse($canonical(&value).as_str());
                    prop_assert_eq!(again.as_ref().ok(), Some(&value), "{:?}", s);
                }
            }
        }
    };
}

/// As `round_trips`, and the value's JSON (as stored and sent) reads back as itself too.
macro_rules! round_trips_in_json {
    ($name:ident, $ty:ty, $parse:expr, $canonical:expr) => {
        proptest! {
            #[test]
            fn $name(s in any_text()) {
                if let Ok(value) = $parse(s.as_str()) {
                    let value: $ty = value;
                    let again = $parse($canonical(&value).as_str());
                    prop_assert_eq!(again.as_ref().ok(), Some(&value), "{:?}", s);
                    let json = serde_json::to_string(&value).unwrap();
                    let back: $ty = serde_json::from_str(&json).unwrap();
                    prop_assert_eq!(back, value);
                }
            }
        }
    };
}

fn text(s: &impl ToString) -> String {
    s.to_string()
}

round_trips_in_json!(chat_ids, ChatId, ChatId::parse, text);
round_trips_in_json!(
    client_message_ids,
    ClientMessageId,
    ClientMessageId::parse,
    text
);
round_trips_in_json!(connection_ids, ConnectionId, ConnectionId::parse, text);
round_trips_in_json!(force_ids, ForceId, ForceId::parse, text);
round_trips_in_json!(operator_ids, OperatorId, OperatorId::parse, text);
round_trips_in_json!(language_codes, LanguageCode, LanguageCode::parse, text);
round_trips!(message_texts, MessageText::parse, |t: &MessageText| t
    .as_str()
    .to_owned());
round_trips!(
    chat_states,
    |s: &str| ChatState::parse(s).ok_or(()),
    |c: &ChatState| c.as_str().to_owned()
);
round_trips!(staffed_hours, StaffedHours::parse, StaffedHours::to_text);
round_trips!(emails, Email::parse, text);
round_trips!(phone_numbers, PhoneNumber::parse, text);
round_trips!(postcodes, Postcode::parse, text);
round_trips!(registrations, VehicleRegistration::parse, text);
round_trips!(report_references, ReportReference::parse, text);
round_trips!(
    idempotency_keys,
    IdempotencyKey::parse,
    |k: &IdempotencyKey| k.as_str().to_owned()
);

proptest! {
    #[test]
    fn ratings_are_one_to_five_and_read_back(n in any::<u8>()) {
        match Rating::parse(n) {
            Ok(r) => {
                prop_assert!((1..=5).contains(&n));
                let json = serde_json::to_string(&r).unwrap();
                prop_assert_eq!(serde_json::from_str::<Rating>(&json).unwrap(), r);
            }
            Err(_) => prop_assert!(!(1..=5).contains(&n)),
        }
    }
}

/// The round trips above are not vacuous: each parser accepts a value of the kind the
/// strategies make, and refuses an obvious wrong one.
#[test]
fn each_parser_accepts_its_kind_of_text_and_refuses_another() {
    assert!(ChatId::parse("04cdbd180eed4024a7f3630809a1ee5a").is_ok());
    assert!(ClientMessageId::parse("c1").is_ok() && ClientMessageId::parse("a b").is_err());
    assert!(ConnectionId::parse("O1ZlbfkkLPECIPw=").is_ok());
    assert!(ForceId::parse("demo").is_ok() && ForceId::parse("").is_err());
    assert!(OperatorId::parse("alice").is_ok());
    assert!(LanguageCode::parse("pa-arab").is_ok() && LanguageCode::parse("English").is_err());
    assert!(MessageText::parse(" hi ").is_ok() && MessageText::parse("  ").is_err());
    assert!(StaffedHours::parse("08:00-22:00").is_ok() && StaffedHours::parse("8-22").is_err());
    assert_eq!(
        StaffedHours::parse("22:30-06:00").map(|h| h.to_text()),
        Ok("22:30-06:00".into())
    );
    assert!(Email::parse("ann@example.com").is_ok() && Email::parse("ann").is_err());
    assert!(PhoneNumber::parse("07700 900123").is_ok() && PhoneNumber::parse("12").is_err());
    assert!(Postcode::parse("ex4 3sr").is_ok() && Postcode::parse("EX").is_err());
    assert!(
        VehicleRegistration::parse("ab12 cde").is_ok() && VehicleRegistration::parse("!").is_err()
    );
    assert!(IdempotencyKey::parse("7b0f0c3e-2a0e-4c1e-9d1a-1f7c9f2a3b4c").is_ok());
}
