//! UK phone numbers to call a citizen back on: landlines (01, 02, 03), mobiles (07) and
//! corporate numbers (055, 056), written nationally (`07700 900123`) or with +44 / 0044;
//! normalised to E.164 (`+447700900123`). Premium, personal (070) and pager (076) numbers are
//! refused: a call handler must not be sent to a number that charges the force.

use super::error::FieldRule;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Enter a UK landline or mobile number, like 07700 900123 or +44 7700 900123")]
pub struct PhoneError;

impl FieldRule for PhoneError {
    fn code(&self) -> &'static str {
        "invalid_phone"
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber(String);

/// Whether a national significant number (the digits after the leading 0) can be called back.
fn callable(nsn: &str) -> bool {
    let len = nsn.len();
    match nsn.as_bytes() {
        [b'1', ..] => len == 9 || len == 10,
        [b'2', ..] | [b'3', ..] => len == 10,
        [b'5', b'5' | b'6', ..] => len == 10,
        // 07624: Isle of Man mobiles share the pager range.
        [b'7', b'6', b'2', b'4', ..] => len == 10,
        [b'7', b'0' | b'6', ..] => false,
        [b'7', ..] => len == 10,
        _ => false,
    }
}

impl PhoneNumber {
    pub fn parse(s: &str) -> Result<Self, PhoneError> {
        let s = s.trim();
        if s.is_empty() || s.len() > 32 {
            return Err(PhoneError);
        }
        // "+44 (0)7700 ..." is a common way to write it: the (0) is not dialled.
        let s = s.replacen("(0)", "", 1);
        let (plus, rest) = match s.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, s.as_str()),
        };
        let mut digits = String::with_capacity(rest.len());
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '(' | ')' | '.' => {}
                _ => return Err(PhoneError),
            }
        }
        let nsn = if plus {
            digits.strip_prefix("44").ok_or(PhoneError)?
        } else if let Some(international) = digits.strip_prefix("00") {
            international.strip_prefix("44").ok_or(PhoneError)?
        } else {
            digits.strip_prefix('0').ok_or(PhoneError)?
        };
        // "+44 07700 ..." also happens; the 0 is a trunk prefix that does not belong there.
        let nsn = if plus || digits.starts_with("0044") {
            nsn.strip_prefix('0').unwrap_or(nsn)
        } else {
            nsn
        };
        if !callable(nsn) {
            return Err(PhoneError);
        }
        Ok(Self(format!("+44{nsn}")))
    }

    /// E.164, e.g. `+447700900123`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uk_numbers_in_common_notations_are_normalised() {
        let cases = [
            ("07700 900123", "+447700900123"),
            ("07700900123", "+447700900123"),
            ("+44 7700 900123", "+447700900123"),
            ("+44 (0)7700 900123", "+447700900123"),
            ("+44 07700 900123", "+447700900123"),
            ("0044 7700 900123", "+447700900123"),
            ("(01392) 123-456", "+441392123456"),
            ("016977 3456", "+44169773456"), // nine-digit area
            ("020 7946 0018", "+442079460018"),
            ("0300 123 2040", "+443001232040"),
            ("056 1234 5678", "+445612345678"),
            ("07624 123456", "+447624123456"), // Isle of Man mobile
            ("  01392.123.456 ", "+441392123456"),
        ];
        for (input, want) in cases {
            assert_eq!(
                PhoneNumber::parse(input).map(|p| p.0),
                Ok(want.to_owned()),
                "{input}"
            );
        }
    }

    #[test]
    fn numbers_that_cannot_be_called_back_are_refused() {
        let cases = [
            "",
            "999",
            "101",
            "7700 900123",     // no trunk prefix
            "+1 202 555 0100", // not UK
            "+33 1 23 45 67 89",
            "0909 879 0000", // premium rate
            "0800 123 4567", // freephone service
            "0700 123 4567", // personal number
            "07623 123456",  // pager
            "07700 90012",   // too short
            "07700 9001234", // too long
            "020 7946 001",
            "07700 900123 ext 4",
            "07700-900-12a",
            "+44",
            "++447700900123",
            "0000000000000",
        ];
        for input in cases {
            assert_eq!(PhoneNumber::parse(input), Err(PhoneError), "{input}");
        }
    }
}
