//! Report references: `BL-7KQ9-M3XD-P`. Eight random characters from Crockford's base 32
//! (no I, L, O or U: nothing to misread over the phone) and a Luhn mod 32 check character that
//! catches any single mistyped character and most swaps of neighbours. Random, so they cannot
//! be enumerated; 32^8 (about 10^12) values, and no public endpoint looks one up.

use super::error::FieldRule;
use rand::Rng;
use std::fmt;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const PREFIX: &str = "BL";
const RANDOM_CHARS: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Enter a report reference, like BL-7KQ9-M3XD-P")]
pub struct ReferenceError;

impl FieldRule for ReferenceError {
    fn code(&self) -> &'static str {
        "invalid_reference"
    }
}

/// A report's reference, in its canonical form `BL-XXXX-XXXX-C`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReportReference(String);

fn value_of(c: u8) -> Option<u8> {
    // Crockford's decoding: O reads as 0, I and L as 1.
    let c = match c.to_ascii_uppercase() {
        b'O' => b'0',
        b'I' | b'L' => b'1',
        other => other,
    };
    ALPHABET.iter().position(|a| *a == c).map(|p| p as u8)
}

/// Luhn mod N over the payload's values: the value to append so that the check passes.
fn check_value(payload: &[u8]) -> u8 {
    let n = ALPHABET.len() as u32;
    let mut factor = 2;
    let mut sum = 0;
    for &v in payload.iter().rev() {
        let addend = factor * u32::from(v);
        sum += addend / n + addend % n;
        factor = if factor == 2 { 1 } else { 2 };
    }
    ((n - sum % n) % n) as u8
}

fn render(values: &[u8; RANDOM_CHARS], check: u8) -> String {
    let c = |v: u8| ALPHABET[usize::from(v)] as char;
    let mut s = String::with_capacity(14);
    s.push_str(PREFIX);
    for (i, v) in values.iter().enumerate() {
        if i % 4 == 0 {
            s.push('-');
        }
        s.push(c(*v));
    }
    s.push('-');
    s.push(c(check));
    s
}

impl ReportReference {
    /// A fresh reference from the thread's cryptographically secure generator.
    pub fn new_random() -> Self {
        Self::generate(&mut rand::rng())
    }

    pub fn generate(rng: &mut impl Rng) -> Self {
        let mut values = [0u8; RANDOM_CHARS];
        for v in &mut values {
            *v = rng.random_range(0..ALPHABET.len() as u8);
        }
        Self(render(&values, check_value(&values)))
    }

    /// Accepts what a person might type: any case, with or without the dashes or spaces,
    /// O for 0 and I or L for 1. The check character must match.
    pub fn parse(s: &str) -> Result<Self, ReferenceError> {
        if s.len() > 40 {
            return Err(ReferenceError);
        }
        let compact: Vec<u8> = s
            .bytes()
            .filter(|b| *b != b'-' && !b.is_ascii_whitespace())
            .collect();
        if compact.len() != PREFIX.len() + RANDOM_CHARS + 1
            || !compact[..2].eq_ignore_ascii_case(PREFIX.as_bytes())
        {
            return Err(ReferenceError);
        }
        let mut values = [0u8; RANDOM_CHARS];
        for (v, c) in values.iter_mut().zip(&compact[2..2 + RANDOM_CHARS]) {
            *v = value_of(*c).ok_or(ReferenceError)?;
        }
        let check = value_of(compact[2 + RANDOM_CHARS]).ok_or(ReferenceError)?;
        if check != check_value(&values) {
            return Err(ReferenceError);
        }
        Ok(Self(render(&values, check)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ReportReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for ReportReference {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for ReportReference {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_generated_reference_has_the_documented_shape_and_parses_back() {
        for _ in 0..1000 {
            let r = ReportReference::new_random();
            let s = r.as_str();
            assert_eq!(s.len(), 14, "{s}");
            assert!(
                s.starts_with("BL-") && &s[7..8] == "-" && &s[12..13] == "-",
                "{s}"
            );
            assert_eq!(ReportReference::parse(s), Ok(r.clone()));
        }
    }

    #[test]
    fn references_are_not_sequential() {
        let a = ReportReference::new_random();
        let b = ReportReference::new_random();
        assert_ne!(a, b);
    }

    #[test]
    fn typed_variants_are_read_as_the_canonical_reference() {
        let values = [0, 1, 20, 31, 1, 0, 7, 9];
        let canonical = render(&values, check_value(&values));
        let typed = [
            canonical.to_lowercase(),
            canonical.replace('-', ""),
            canonical.replace('-', " "),
            canonical.replace('0', "O"),
            canonical.replace('1', "l"),
        ];
        for t in typed {
            assert_eq!(
                ReportReference::parse(&t).map(|r| r.0),
                Ok(canonical.clone()),
                "{t}"
            );
        }
    }

    #[test]
    fn malformed_references_are_refused() {
        for bad in [
            "",
            "BL",
            "BL-7KQ9-M3XD",
            "XX-7KQ9-M3XD-P",
            "BL-7KQ9-M3XD-PP",
            "BL-7KQ9-M3XU-P",
            "BL-7KQ9-M3XD-*",
        ] {
            assert_eq!(ReportReference::parse(bad), Err(ReferenceError), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn any_single_mistyped_character_is_caught(seed in any::<u64>(), pos in 0usize..9, delta in 1u8..32) {
            let r = ReportReference::generate(&mut <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(seed));
            let mut chars: Vec<u8> = r.as_str().bytes().filter(|b| *b != b'-').collect();
            let i = 2 + pos;
            let v = value_of(chars[i]).unwrap();
            chars[i] = ALPHABET[usize::from((v + delta) % 32)];
            let typo = String::from_utf8(chars).unwrap();
            prop_assert!(ReportReference::parse(&typo).is_err(), "{typo}");
        }

        #[test]
        fn parsing_any_string_never_panics(s in ".{0,50}") {
            let _ = ReportReference::parse(&s);
        }
    }
}
