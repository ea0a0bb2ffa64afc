//! Strict JSON: an object that names a key twice is refused. `serde_json` keeps the last value
//! of a repeated key, so `{"text":"a","text":"b"}` would be read as "b" while anything in
//! front of the server that reads the first value (a WAF rule, a log filter, another parser)
//! saw "a". Bluelamp's parsers check this first, then read the JSON as usual.

use serde::de::{Deserialize, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use std::collections::HashSet;
use std::fmt;

/// Why a body is not strict JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StrictJsonError {
    /// Not JSON at all (or cut short).
    #[error("the body is not JSON")]
    Malformed,
    /// Well-formed, but an object names the same key twice (at any depth).
    #[error("a key is given twice in one object")]
    DuplicateKey,
}

/// Checks `body` for malformed JSON and for an object with a repeated key, at any depth.
/// Keys are compared after unescaping (`"a"` and `"\u0061"` are the same key).
pub fn check_unique_keys(body: &str) -> Result<(), StrictJsonError> {
    match serde_json::from_str::<UniqueKeys>(body) {
        Ok(UniqueKeys) => Ok(()),
        Err(e) if e.is_data() => Err(StrictJsonError::DuplicateKey),
        Err(_) => Err(StrictJsonError::Malformed),
    }
}

/// Any JSON value whose objects each name a key once; nothing is kept.
struct UniqueKeys;

impl<'de> Deserialize<'de> for UniqueKeys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(UniqueKeysVisitor)
    }
}

struct UniqueKeysVisitor;

impl<'de> Visitor<'de> for UniqueKeysVisitor {
    type Value = UniqueKeys;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_i64<E>(self, _: i64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_u64<E>(self, _: u64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_f64<E>(self, _: f64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_str<E>(self, _: &str) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_unit<E>(self) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<UniqueKeys, A::Error> {
        while seq.next_element::<UniqueKeys>()?.is_some() {}
        Ok(UniqueKeys)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<UniqueKeys, A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key) {
                return Err(A::Error::custom("duplicate key"));
            }
            map.next_value::<UniqueKeys>()?;
        }
        Ok(UniqueKeys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_repeated_key_is_refused_at_any_depth() {
        for body in [
            r#"{"action":"send","text":"a","text":"b"}"#,
            r#"{"a":{"b":1,"b":2}}"#,
            r#"[{"x":1},{"y":1,"y":1}]"#,
            r#"{"a":1,"\u0061":2}"#,
        ] {
            assert_eq!(
                check_unique_keys(body),
                Err(StrictJsonError::DuplicateKey),
                "{body}"
            );
        }
    }

    #[test]
    fn the_same_key_in_sibling_objects_is_fine_and_bad_json_is_malformed() {
        assert_eq!(check_unique_keys(r#"[{"a":1},{"a":2}]"#), Ok(()));
        assert_eq!(check_unique_keys(r#"{"a":{"a":{"a":null}}}"#), Ok(()));
        for body in ["", "{", r#"{"a":1,}"#, "[1,", "not json", r#"{"a":1} x"#] {
            assert_eq!(
                check_unique_keys(body),
                Err(StrictJsonError::Malformed),
                "{body:?}"
            );
        }
    }

    proptest! {
        /// Whatever serde_json reads as a value without repeated keys passes, and anything
        /// it cannot read is malformed: the check agrees with serde_json on well-formedness.
        #[test]
        fn the_check_agrees_with_serde_json_on_what_is_json(body in ".{0,64}") {
            let parsed = serde_json::from_str::<serde_json::Value>(&body);
            let checked = check_unique_keys(&body);
            prop_assert_eq!(parsed.is_err(), checked == Err(StrictJsonError::Malformed));
        }

        #[test]
        fn any_object_serde_json_writes_has_unique_keys(
            map in proptest::collection::btree_map("[a-z]{0,4}", any::<i32>(), 0..8)
        ) {
            let body = serde_json::to_string(&map).unwrap();
            prop_assert_eq!(check_unique_keys(&body), Ok(()));
        }
    }
}
