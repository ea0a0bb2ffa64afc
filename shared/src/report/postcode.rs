//! UK postcodes: every outward format (A9, A99, A9A, AA9, AA99, AA9A) with the letters Royal
//! Mail allows in each position, plus the special GIR 0AA; normalised to `SW1A 1AA`.

use super::error::FieldRule;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Enter a full UK postcode, like SW1A 1AA")]
pub struct PostcodeError;

impl FieldRule for PostcodeError {
    fn code(&self) -> &'static str {
        "invalid_postcode"
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Postcode(String);

fn first(b: u8) -> bool {
    b.is_ascii_uppercase() && !b"QVX".contains(&b)
}
fn second(b: u8) -> bool {
    b.is_ascii_uppercase() && !b"IJZ".contains(&b)
}
fn third_after_digit(b: u8) -> bool {
    b"ABCDEFGHJKPSTUW".contains(&b)
}
fn fourth_after_digit(b: u8) -> bool {
    b"ABEHMNPRVWXY".contains(&b)
}
fn inward_letter(b: u8) -> bool {
    b.is_ascii_uppercase() && !b"CIKMOV".contains(&b)
}
fn digit(b: u8) -> bool {
    b.is_ascii_digit()
}

fn outward_ok(o: &[u8]) -> bool {
    match *o {
        [a, b] => first(a) && digit(b),
        [a, b, c] => {
            (first(a) && digit(b) && digit(c))
                || (first(a) && digit(b) && third_after_digit(c))
                || (first(a) && second(b) && digit(c))
        }
        [a, b, c, d] => {
            (first(a) && second(b) && digit(c) && digit(d))
                || (first(a) && second(b) && digit(c) && fourth_after_digit(d))
        }
        _ => false,
    }
}

impl Postcode {
    /// Accepts any case and spacing (`sw1a1aa`, ` SW1A  1AA `).
    pub fn parse(s: &str) -> Result<Self, PostcodeError> {
        let compact = super::text::compact_identifier(s, 5..=7).ok_or(PostcodeError)?;
        let bytes = compact.as_bytes();
        let (outward, inward) = bytes.split_at(bytes.len() - 3);
        let valid = compact == "GIR0AA"
            || (outward_ok(outward)
                && digit(inward[0])
                && inward_letter(inward[1])
                && inward_letter(inward[2]));
        if !valid {
            return Err(PostcodeError);
        }
        let (o, i) = compact.split_at(compact.len() - 3);
        Ok(Self(format!("{o} {i}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The outward code (`SW1A`): the district, which is not personal on its own.
    pub fn outward(&self) -> &str {
        self.0.split(' ').next().unwrap_or(&self.0)
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_postcodes_of_every_format_are_normalised() {
        let cases = [
            ("M1 1AE", "M1 1AE"),     // A9
            ("b338th", "B33 8TH"),    // A99
            ("W1A 0AX", "W1A 0AX"),   // A9A
            ("CR2 6XH", "CR2 6XH"),   // AA9
            ("dn55 1pt", "DN55 1PT"), // AA99
            ("SW1A1AA", "SW1A 1AA"),  // AA9A
            ("  ec1a  1bb ", "EC1A 1BB"),
            ("EX1 1AA", "EX1 1AA"),
            ("BT1 5GS", "BT1 5GS"), // Northern Ireland
            ("gir 0aa", "GIR 0AA"),
        ];
        for (input, want) in cases {
            assert_eq!(
                Postcode::parse(input).map(|p| p.0),
                Ok(want.to_owned()),
                "{input}"
            );
        }
    }

    #[test]
    fn invalid_postcodes_are_refused() {
        let cases = [
            "",
            "SW1A",      // outward only
            "1AA",       // inward only
            "SW1A 1A",   // short inward
            "SW1A 1AAA", // too long
            "QW1A 1AA",  // Q never first
            "SI1A 1AA",  // I never second
            "W1I 0AX",   // I not allowed third after a digit
            "SW1C 1AA",  // C not allowed fourth
            "SW1A 1CA",  // C never in the inward code
            "SW1A 1AV",  // V never in the inward code
            "SW1A-1AA",  // punctuation
            "ŚW1A 1AA",  // non-ASCII
            "12345",
            "AAAAAAA",
            "SW1A 1AA SW1A 1AA SW1A 1AA SW1A",
        ];
        for input in cases {
            assert_eq!(Postcode::parse(input), Err(PostcodeError), "{input}");
        }
    }

    #[test]
    fn the_outward_code_is_the_district() {
        assert_eq!(Postcode::parse("sw1a1aa").unwrap().outward(), "SW1A");
    }
}
