//! Vehicle registration marks of Great Britain (current 2001 on, prefix 1983-2001, suffix
//! 1963-1983, dateless) and Northern Ireland; normalised to capitals without spaces (`AB12CDE`).

use super::error::FieldRule;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Enter a UK vehicle registration, like AB12 CDE")]
pub struct RegistrationError;

impl FieldRule for RegistrationError {
    fn code(&self) -> &'static str {
        "invalid_registration"
    }
}

/// Which scheme a registration follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistrationFormat {
    /// `AB12 CDE`: memory tag, age identifier, three random letters (2001 on).
    Current,
    /// `A123 BCD`: year letter first (1983 to 2001).
    Prefix,
    /// `ABC 123D`: year letter last (1963 to 1983).
    Suffix,
    /// `ABC 123` or `123 ABC` (before 1963; also many cherished marks).
    Dateless,
    /// `ABZ 1234`: a Northern Ireland area code, which always holds an I or a Z.
    NorthernIreland,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VehicleRegistration(String);

/// Splits `s` into runs of letters and digits: `AB12CDE` gives [(true, "AB"), (false, "12"),
/// (true, "CDE")].
fn runs(s: &[u8]) -> Vec<(bool, &[u8])> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=s.len() {
        if i == s.len() || s[i].is_ascii_alphabetic() != s[start].is_ascii_alphabetic() {
            out.push((s[start].is_ascii_alphabetic(), &s[start..i]));
            start = i;
        }
    }
    out
}

fn no_leading_zero(d: &[u8]) -> bool {
    d.first().is_some_and(|b| *b != b'0')
}

/// Year letters were never I, O, Q, U or Z (they look like digits or other letters).
fn year_letter(b: u8) -> bool {
    !b"IOQUZ".contains(&b)
}

fn classify(s: &[u8]) -> Option<RegistrationFormat> {
    use RegistrationFormat::*;
    let r = runs(s);
    match r.as_slice() {
        [(true, tag), (false, age), (true, random)]
            if tag.len() == 2 && age.len() == 2 && random.len() == 3 =>
        {
            let letters_ok =
                tag.iter().chain(random.iter()).all(|b| !b"IQ".contains(b)) && !tag.contains(&b'Z');
            letters_ok.then_some(Current)
        }
        [(true, year), (false, num), (true, rest)]
            if year.len() == 1 && (1..=3).contains(&num.len()) && rest.len() == 3 =>
        {
            (year_letter(year[0]) && no_leading_zero(num)).then_some(Prefix)
        }
        [(true, series), (false, num), (true, year)]
            if series.len() == 3 && (1..=3).contains(&num.len()) && year.len() == 1 =>
        {
            (year_letter(year[0]) && no_leading_zero(num)).then_some(Suffix)
        }
        [(true, letters), (false, num)]
            if (1..=3).contains(&letters.len()) && (1..=4).contains(&num.len()) =>
        {
            if !no_leading_zero(num) {
                return None;
            }
            let area = &letters[letters.len().saturating_sub(2)..];
            if letters.len() >= 2 && area.iter().any(|b| *b == b'I' || *b == b'Z') {
                Some(NorthernIreland)
            } else {
                Some(Dateless)
            }
        }
        [(false, num), (true, letters)]
            if (1..=4).contains(&num.len()) && (1..=3).contains(&letters.len()) =>
        {
            no_leading_zero(num).then_some(Dateless)
        }
        _ => None,
    }
}

impl VehicleRegistration {
    /// Accepts any case and spacing (`ab12 cde`).
    pub fn parse(s: &str) -> Result<Self, RegistrationError> {
        let compact = super::text::compact_identifier(s, 2..=7).ok_or(RegistrationError)?;
        classify(compact.as_bytes()).ok_or(RegistrationError)?;
        Ok(Self(compact))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn format(&self) -> RegistrationFormat {
        // A value that exists was classified when parsed; Dateless is unreachable here.
        classify(self.0.as_bytes()).unwrap_or(RegistrationFormat::Dateless)
    }
}

impl fmt::Display for VehicleRegistration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::RegistrationFormat::*;
    use super::*;

    #[test]
    fn registrations_of_every_format_are_recognised_and_normalised() {
        let cases = [
            ("AB12 CDE", "AB12CDE", Current),
            ("ab51abc", "AB51ABC", Current),
            ("YX99 ZZZ", "YX99ZZZ", Current),
            ("A123 BCD", "A123BCD", Prefix),
            ("p7 xyz", "P7XYZ", Prefix),
            ("ABC 123D", "ABC123D", Suffix),
            ("XYZ 9A", "XYZ9A", Suffix),
            ("ABC 123", "ABC123", Dateless),
            ("A 1", "A1", Dateless),
            ("1234 AB", "1234AB", Dateless),
            ("9 X", "9X", Dateless),
            ("ABZ 1234", "ABZ1234", NorthernIreland),
            ("IA 1", "IA1", NorthernIreland),
            ("OIZ 999", "OIZ999", NorthernIreland),
        ];
        for (input, normal, format) in cases {
            let reg = VehicleRegistration::parse(input).unwrap_or_else(|_| panic!("{input}"));
            assert_eq!(reg.as_str(), normal, "{input}");
            assert_eq!(reg.format(), format, "{input}");
        }
    }

    #[test]
    fn things_that_are_not_registrations_are_refused() {
        let cases = [
            "",
            "A",        // too short
            "ABCD1234", // too long
            "AB12-CDE", // punctuation
            "AB12 CD",  // current needs three random letters
            "IB12 CDE", // I never in a current mark
            "AB12 CQE", // Q never in a current mark
            "ZB12 CDE", // Z never in a memory tag
            "I123 ABC", // I was never a year letter
            "A012 BCD", // numbers start at 1
            "ABC 123Q", // Q was never a year letter
            "ABC 0",    // no zero plates
            "ABCD 12",  // four letters
            "12345 A",  // five digits
            "AB12 CDE FG",
            "ÅB12 CDE",
            "1A2B",
        ];
        for input in cases {
            assert_eq!(
                VehicleRegistration::parse(input),
                Err(RegistrationError),
                "{input}"
            );
        }
    }
}
