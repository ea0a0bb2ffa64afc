//! Whole-body tests: each kind parses and reads back the same, a bad body gets every error at
//! once, and no input makes any parser panic.

use super::*;
use chrono::{DateTime, Utc};
use proptest::prelude::*;
use serde_json::{json, Value};

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-28T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// openapi.yaml's crime example ([`examples`]), with the spellings the parser must
/// normalise: a lower-case postcode, a two-line address and a suspect vehicle.
fn crime() -> Value {
    let v = with(examples::crime(), "where.postcode", json!("ex1 1aa"));
    let v = with(v, "where.address", json!("12 High Street\nExeter"));
    with(v, "crime.suspectVehicle", json!("ab12 cde"))
}

/// openapi.yaml's collision example, with a lower-case registration and the other party's
/// phone.
fn collision() -> Value {
    let v = with(
        examples::collision(),
        "collision.vehicles.1.registration",
        json!("x123 abc"),
    );
    with(v, "collision.otherParty.phone", json!("+44 7700 900456"))
}

fn asb() -> Value {
    examples::antisocial_behaviour()
}

fn parse(v: &Value) -> Result<Report, Vec<FieldError>> {
    parse_report_json(v.to_string().as_bytes(), now())
}

fn codes(v: &Value) -> Vec<(String, String)> {
    match parse(v) {
        Ok(_) => vec![],
        Err(errors) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
    }
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(f, c)| (f.to_string(), c.to_string()))
        .collect()
}

/// Sets the value at a dotted path (`reporter.phone`), creating objects on the way.
fn with(mut v: Value, path: &str, value: Value) -> Value {
    let mut cur = &mut v;
    let parts: Vec<&str> = path.split('.').collect();
    for p in &parts[..parts.len() - 1] {
        cur = match p.parse::<usize>() {
            Ok(i) => &mut cur[i],
            Err(_) => &mut cur[*p],
        };
    }
    let last = parts[parts.len() - 1];
    if value.is_null() {
        if let Some(obj) = cur.as_object_mut() {
            obj.remove(last);
        }
    } else {
        cur[last] = value;
    }
    v
}

#[test]
fn a_valid_report_of_each_kind_is_accepted() {
    let r = parse(&crime()).unwrap();
    assert_eq!(r.kind(), ReportKind::Crime);
    assert_eq!(r.location().postcode().unwrap().as_str(), "EX1 1AA");
    match r.details() {
        ReportDetails::Crime(c) => {
            assert_eq!(c.suspect_vehicle.as_ref().unwrap().as_str(), "AB12CDE")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        r.reporter().contact.phone().unwrap().as_str(),
        "+447700900123"
    );

    let r = parse(&collision()).unwrap();
    assert_eq!(r.kind(), ReportKind::Collision);
    assert!(matches!(r.reporter().role, ReporterRole::OnBehalf { .. }));

    let r = parse(&asb()).unwrap();
    assert_eq!(r.kind(), ReportKind::AntisocialBehaviour);
}

#[test]
fn a_report_reads_back_the_same_from_its_body() {
    for v in [crime(), collision(), asb()] {
        let r = parse(&v).unwrap();
        let body = r.to_body();
        let json = serde_json::to_vec(&body).unwrap();
        let again = parse_report_json(&json, now()).unwrap();
        assert_eq!(again, r);
        assert_eq!(Report::from_body(&body, None).unwrap(), r);
    }
}

#[test]
fn a_bad_report_gets_every_field_error_at_once() {
    let v = json!({
        "kind": "collision",
        "when": {"from": "2026-12-25"},
        "where": {"postcode": "NOT A POSTCODE"},
        "whatHappened": "",
        "reporter": {"name": "Ann", "role": "victim", "phone": "12345", "email": "nope",
                     "preferredContact": "email"},
        "collision": {
            "vehicles": [{"registration": "AB12 CDE"}, {"registration": "NOT-A-REG"}],
            "anyoneInjured": false,
            "detailsExchanged": true
        },
        "declaration": false
    });
    assert_eq!(
        codes(&v),
        pairs(&[
            ("when.from", "in_future"),
            ("where.postcode", "invalid_postcode"),
            ("whatHappened", "required"),
            ("reporter.phone", "invalid_phone"),
            ("reporter.email", "invalid_email"),
            ("declaration", "must_be_true"),
            ("collision.vehicles[1].registration", "invalid_registration"),
        ])
    );
}

#[test]
fn an_empty_object_lists_every_required_part() {
    assert_eq!(
        codes(&json!({})),
        pairs(&[
            ("kind", "required"),
            ("when", "required"),
            ("where", "required"),
            ("whatHappened", "required"),
            ("reporter", "required"),
            ("declaration", "required"),
        ])
    );
}

#[test]
fn field_rules_across_the_body() {
    // (what, path to change, new value (null removes it), expected errors)
    type Case = (
        &'static str,
        Value,
        &'static str,
        Value,
        Vec<(&'static str, &'static str)>,
    );
    let cases: Vec<Case> = vec![
        (
            "unknown kind",
            crime(),
            "kind",
            json!("burglary"),
            vec![("kind", "invalid_choice")],
        ),
        (
            "no end before start",
            crime(),
            "when.to",
            json!("2026-11-27T17:00:00Z"),
            vec![("when.to", "end_before_start")],
        ),
        (
            "too old",
            crime(),
            "when.from",
            json!("2020-01-01"),
            vec![("when.from", "too_old")],
        ),
        (
            "bad date",
            crime(),
            "when.from",
            json!("27/11/2026"),
            vec![("when.from", "invalid_datetime")],
        ),
        (
            "no place",
            crime(),
            "where",
            json!({}),
            vec![("where", "required")],
        ),
        (
            "blank place",
            crime(),
            "where",
            json!({"address": " ", "postcode": ""}),
            vec![("where", "required")],
        ),
        (
            "description alone",
            crime(),
            "where",
            json!({"description": "near the shops"}),
            vec![],
        ),
        (
            "address too long",
            crime(),
            "where.address",
            json!("a".repeat(301)),
            vec![("where.address", "too_long")],
        ),
        (
            "narrative too long",
            crime(),
            "whatHappened",
            json!("a".repeat(5001)),
            vec![("whatHappened", "too_long")],
        ),
        (
            "narrative at limit",
            crime(),
            "whatHappened",
            json!("a".repeat(5000)),
            vec![],
        ),
        (
            "name too long",
            crime(),
            "reporter.name",
            json!("a".repeat(101)),
            vec![("reporter.name", "too_long")],
        ),
        (
            "no role",
            crime(),
            "reporter.role",
            Value::Null,
            vec![("reporter.role", "required")],
        ),
        (
            "odd role",
            crime(),
            "reporter.role",
            json!("suspect"),
            vec![("reporter.role", "invalid_choice")],
        ),
        (
            "on behalf without whom",
            crime(),
            "reporter.role",
            json!("onBehalf"),
            vec![("reporter.onBehalfOf", "required")],
        ),
        (
            "whom without on behalf",
            collision(),
            "reporter.role",
            json!("witness"),
            vec![("reporter.onBehalfOf", "not_allowed")],
        ),
        (
            "whom without a name",
            collision(),
            "reporter.onBehalfOf.name",
            Value::Null,
            vec![("reporter.onBehalfOf.name", "required")],
        ),
        (
            "phone preferred, none given",
            asb(),
            "reporter.phone",
            Value::Null,
            vec![("reporter.phone", "required")],
        ),
        (
            "email preferred, none given",
            collision(),
            "reporter.email",
            json!(""),
            vec![("reporter.email", "required")],
        ),
        (
            "odd preference",
            crime(),
            "reporter.preferredContact",
            json!("pigeon"),
            vec![("reporter.preferredContact", "invalid_choice")],
        ),
        (
            "premium phone",
            crime(),
            "reporter.phone",
            json!("09098790000"),
            vec![("reporter.phone", "invalid_phone")],
        ),
        (
            "declaration false",
            crime(),
            "declaration",
            json!(false),
            vec![("declaration", "must_be_true")],
        ),
        (
            "declaration missing",
            crime(),
            "declaration",
            Value::Null,
            vec![("declaration", "required")],
        ),
        (
            "crime block missing",
            crime(),
            "crime",
            Value::Null,
            vec![("crime", "required")],
        ),
        (
            "other kind's block",
            crime(),
            "antisocialBehaviour",
            json!({"category": "nuisance", "frequency": "once"}),
            vec![("antisocialBehaviour", "not_for_kind")],
        ),
        (
            "odd crime",
            crime(),
            "crime.category",
            json!("murder"),
            vec![("crime.category", "invalid_choice")],
        ),
        (
            "bad suspect vehicle",
            crime(),
            "crime.suspectVehicle",
            json!("??"),
            vec![("crime.suspectVehicle", "invalid_registration")],
        ),
        (
            "fraud is taken",
            crime(),
            "crime.category",
            json!("fraud"),
            vec![],
        ),
        (
            "no vehicles",
            collision(),
            "collision.vehicles",
            json!([]),
            vec![("collision.vehicles", "too_few")],
        ),
        (
            "seven vehicles",
            collision(),
            "collision.vehicles",
            json!(vec![json!({"registration": "AB12CDE"}); 7]),
            vec![("collision.vehicles", "too_many")],
        ),
        (
            "vehicle without registration",
            collision(),
            "collision.vehicles.0.registration",
            Value::Null,
            vec![("collision.vehicles[0].registration", "required")],
        ),
        (
            "long make",
            collision(),
            "collision.vehicles.1.make",
            json!("m".repeat(61)),
            vec![("collision.vehicles[1].make", "too_long")],
        ),
        (
            "someone hurt",
            collision(),
            "collision.anyoneInjured",
            json!(true),
            vec![("collision.anyoneInjured", "injury_collision")],
        ),
        (
            "hurt unknown",
            collision(),
            "collision.anyoneInjured",
            Value::Null,
            vec![("collision.anyoneInjured", "required")],
        ),
        (
            "exchange unknown",
            collision(),
            "collision.detailsExchanged",
            Value::Null,
            vec![("collision.detailsExchanged", "required")],
        ),
        (
            "other party phone",
            collision(),
            "collision.otherParty.phone",
            json!("+1 202 555 0100"),
            vec![("collision.otherParty.phone", "invalid_phone")],
        ),
        (
            "insurance without insurer",
            collision(),
            "collision.insurance.insurer",
            Value::Null,
            vec![("collision.insurance.insurer", "required")],
        ),
        (
            "odd asb",
            asb(),
            "antisocialBehaviour.category",
            json!("loud"),
            vec![("antisocialBehaviour.category", "invalid_choice")],
        ),
        (
            "asb frequency missing",
            asb(),
            "antisocialBehaviour.frequency",
            Value::Null,
            vec![("antisocialBehaviour.frequency", "required")],
        ),
        (
            "unknown field",
            crime(),
            "reporter.age",
            json!(42),
            vec![("reporter.age", "unknown_field")],
        ),
        (
            "unknown top field",
            crime(),
            "priority",
            json!("high"),
            vec![("priority", "unknown_field")],
        ),
        (
            "wrong type",
            crime(),
            "declaration",
            json!("yes"),
            vec![("declaration", "wrong_type")],
        ),
        (
            "wrong type deep",
            collision(),
            "collision.vehicles.0.registration",
            json!(12),
            vec![("collision.vehicles[0].registration", "wrong_type")],
        ),
        (
            "list for object",
            crime(),
            "when",
            json!([]),
            vec![("when", "wrong_type")],
        ),
    ];
    for (what, base, path, value, want) in cases {
        let v = with(base, path, value);
        assert_eq!(codes(&v), pairs(&want), "{what}");
    }
}

/// serde's derived structs also read an object from a list of its fields in order: every
/// object of the body, given as such a list, is a `wrong_type` at its path, not a report.
#[test]
fn a_list_of_an_objects_fields_is_not_the_object() {
    let cases = [
        (
            crime(),
            "when",
            json!(["2026-11-27T18:00:00Z", "2026-11-28T07:30:00Z"]),
        ),
        (
            crime(),
            "where",
            json!(["12 High Street, Exeter", "EX1 1AA"]),
        ),
        (
            crime(),
            "reporter",
            json!(["Ann Example", "victim", null, "07700 900123", null, "phone"]),
        ),
        (crime(), "crime", json!(["theft", "Red bicycle"])),
        (
            collision(),
            "reporter.onBehalfOf",
            json!(["Carol Example", "Mother"]),
        ),
        (
            collision(),
            "collision.vehicles",
            json!([["AB12 CDE", "Ford"]]),
        ),
        (collision(), "collision.otherParty", json!(["Dan Driver"])),
        (
            collision(),
            "collision.insurance",
            json!(["Example Insurance"]),
        ),
        (asb(), "antisocialBehaviour", json!(["nuisance", "weekly"])),
    ];
    for (base, path, list) in cases {
        let field = match path {
            "collision.vehicles" => "collision.vehicles[0]",
            other => other,
        };
        assert_eq!(
            codes(&with(base, path, list)),
            pairs(&[(field, "wrong_type")]),
            "{path}"
        );
    }
    let r = crime();
    let whole = json!([
        r["kind"],
        r["when"],
        r["where"],
        r["whatHappened"],
        r["reporter"],
        r["crime"],
        null,
        null,
        true
    ]);
    assert_eq!(codes(&whole), pairs(&[("body", "wrong_type")]));
}

#[test]
fn an_unknown_kind_still_shows_the_errors_in_its_blocks() {
    let v = with(crime(), "kind", Value::Null);
    let v = with(v, "crime.category", json!("nope"));
    assert_eq!(
        codes(&v),
        pairs(&[("kind", "required"), ("crime.category", "invalid_choice")])
    );
}

#[test]
fn bodies_that_are_not_a_json_object_are_refused_as_a_whole() {
    let cases: [(&[u8], &str); 10] = [
        (b"", "malformed_json"),
        (b"{", "malformed_json"),
        (b"not json", "malformed_json"),
        (b"{} {}", "malformed_json"),
        (b"[]", "wrong_type"),
        (b"42", "wrong_type"),
        (b"\xff\xfe", "malformed_json"),
        // Not JSON, whatever its first value would have been read as.
        (b"[1,", "malformed_json"),
        (b"[\"crime\", {\"from\": ", "malformed_json"),
        (b"{\"kind\": 5, ", "malformed_json"),
    ];
    for (body, code) in cases {
        let errors = parse_report_json(body, now()).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "body", "{body:?}");
        assert_eq!(errors[0].code, code, "{body:?}");
    }
}

#[test]
fn error_messages_never_repeat_what_was_typed() {
    let secret = "SECRET-07700-900999";
    let v = with(crime(), "reporter.phone", json!(secret));
    let v = with(v, "reporter.email", json!(secret));
    let v = with(v, "where.postcode", json!(secret));
    let v = with(v, "declaration", json!(secret));
    let errors = parse(&v).unwrap_err();
    assert!(!errors.is_empty());
    for e in errors {
        assert!(
            !e.message.contains("SECRET") && !e.field.contains("SECRET"),
            "{e:?}"
        );
    }
}

#[test]
fn deeply_nested_json_is_refused_not_overflowed() {
    let deep = format!(
        "{{\"kind\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert!(parse_report_json(deep.as_bytes(), now()).is_err());
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        ".{0,40}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::hash_map(
                prop_oneof![
                    Just("kind".to_owned()),
                    Just("when".to_owned()),
                    Just("where".to_owned()),
                    Just("from".to_owned()),
                    Just("reporter".to_owned()),
                    Just("collision".to_owned()),
                    Just("vehicles".to_owned()),
                    Just("registration".to_owned()),
                    Just("phone".to_owned()),
                    "[a-zA-Z]{1,12}",
                ],
                inner,
                0..8
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every leaf path of a valid body, to replace with hostile values.
fn leaf_paths(v: &Value, prefix: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                leaf_paths(v, p, out);
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                leaf_paths(v, format!("{prefix}.{i}"), out);
            }
        }
        _ => out.push(prefix),
    }
}

proptest! {
    #[test]
    fn no_bytes_make_the_report_parser_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = parse_report_json(&bytes, now());
    }

    #[test]
    fn no_json_shape_makes_the_report_parser_panic(v in arb_json()) {
        if let Err(errors) = parse(&v) {
            prop_assert!(!errors.is_empty());
        }
    }

    #[test]
    fn any_leaf_of_a_valid_report_may_be_hostile(
        which in 0usize..3, pick in any::<prop::sample::Index>(), value in arb_json()
    ) {
        let base = [crime(), collision(), asb()][which].clone();
        let mut paths = Vec::new();
        leaf_paths(&base, String::new(), &mut paths);
        let path = pick.get(&paths).clone();
        let v = with(base, &path, if value.is_null() { json!(null) } else { value });
        let _ = parse(&v);
    }

    #[test]
    fn no_string_makes_a_field_parser_panic(s in "\\PC{0,80}|[ -~]{0,20}|.{0,400}") {
        let _ = Postcode::parse(&s);
        let _ = VehicleRegistration::parse(&s);
        let _ = PhoneNumber::parse(&s);
        let _ = Email::parse(&s);
        let _ = OccurredAt::parse(&s, now());
        let _ = ReportReference::parse(&s);
        let _ = PersonName::parse(&s);
        let _ = Narrative::parse(&s);
        let _ = IdempotencyKey::parse(&s);
        let _ = QueueCursor::parse(&s);
    }

    #[test]
    fn a_parsed_postcode_or_registration_parses_to_itself(s in "[A-Za-z0-9 ]{2,9}") {
        if let Ok(p) = Postcode::parse(&s) {
            prop_assert_eq!(Postcode::parse(p.as_str()), Ok(p.clone()));
        }
        if let Ok(r) = VehicleRegistration::parse(&s) {
            prop_assert_eq!(VehicleRegistration::parse(r.as_str()), Ok(r.clone()));
        }
    }

    #[test]
    fn a_parsed_phone_or_email_parses_to_itself(s in "[0-9+() -]{6,20}|[a-z.]{1,10}@[a-z]{1,8}\\.[a-z]{2,4}") {
        if let Ok(p) = PhoneNumber::parse(&s) {
            prop_assert_eq!(PhoneNumber::parse(p.as_str()), Ok(p.clone()));
        }
        if let Ok(e) = Email::parse(&s) {
            prop_assert_eq!(Email::parse(e.as_str()), Ok(e.clone()));
        }
    }
}

#[test]
fn a_report_filed_from_a_chat_keeps_the_chat_id_and_refuses_a_malformed_one() {
    let from_chat = with(crime(), "chatId", json!("04cdbd180eed4024a7f3630809a1ee5a"));
    let report = parse(&from_chat).expect("a report from a chat");
    assert_eq!(
        report.to_body().chat_id.as_deref(),
        Some("04cdbd180eed4024a7f3630809a1ee5a")
    );
    assert_eq!(parse(&crime()).unwrap().to_body().chat_id, None);
    let bad = with(crime(), "chatId", json!("not a chat id!"));
    assert_eq!(codes(&bad), pairs(&[("chatId", "invalid_chat_id")]));
}
