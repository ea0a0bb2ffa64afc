//! The reports API's example bodies, one set for every test: the request examples of
//! `docs/openapi.yaml` (`crime`, `collision`, `antisocialBehaviour`), kept here as JSON files
//! that report-intake's `openapi` test holds equal to the document. A test that needs another
//! value changes one field of an example rather than writing a body of its own.

use serde_json::Value;

fn example(json: &str) -> Value {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("a report example is not JSON: {e}"))
}

/// A theft, reported by the victim (a postcode, a phone and an email).
pub fn crime() -> Value {
    example(include_str!("examples/crime.json"))
}

/// A damage-only collision in a car park, reported on behalf of the driver (two vehicles).
pub fn collision() -> Value {
    example(include_str!("examples/collision.json"))
}

/// Anti-social behaviour that keeps happening, reported by a witness.
pub fn antisocial_behaviour() -> Value {
    example(include_str!("examples/antisocial-behaviour.json"))
}

/// Every example, by the name the document gives it.
pub fn all() -> [(&'static str, Value); 3] {
    [
        ("crime", crime()),
        ("collision", collision()),
        ("antisocialBehaviour", antisocial_behaviour()),
    ]
}

/// `example` with its `when` replaced (tests that run against today's clock).
pub fn dated(mut example: Value, when: Value) -> Value {
    example["when"] = when;
    example
}
