//! Signposting on the way in: a report that reads like an emergency gets the 999 advice, and
//! a fraud report is pointed to Report Fraud. The report is still taken in both cases; the
//! signposts are shown to the citizen and to the assessor.

use super::model::{CrimeCategory, Report, ReportDetails};

/// Decides whether text describes an emergency; the FAQ bot's detector implements it.
pub trait EmergencyCheck: Send + Sync {
    fn is_emergency(&self, text: &str) -> bool;
}

/// Advice attached to a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Signpost {
    /// The text reads like something happening now or someone in danger: call 999.
    Emergency,
    /// Fraud and cyber crime go to Report Fraud, the national service.
    ReportFraud,
}

impl Signpost {
    pub const ALL: &'static [Signpost] = &[Signpost::Emergency, Signpost::ReportFraud];

    pub fn code(&self) -> &'static str {
        match self {
            Signpost::Emergency => "emergency",
            Signpost::ReportFraud => "reportFraud",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|p| p.code() == s)
    }

    /// What the citizen is told.
    pub fn message(&self) -> &'static str {
        match self {
            Signpost::Emergency => {
                "If a crime is happening now, or someone is in danger or hurt, call 999 now. \
                 If you cannot speak, call 999 from a mobile, listen to the operator and press 55 \
                 when asked. Deaf, hard of hearing or speech-impaired people who have registered \
                 with emergencySMS can text 999."
            }
            Signpost::ReportFraud => {
                "Fraud and cyber crime are reported to Report Fraud, the national reporting \
                 service: reportfraud.police.uk or 0300 123 2040. We have received your report, \
                 but reporting it there too means it can be linked with others."
            }
        }
    }
}

impl serde::Serialize for Signpost {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> serde::Deserialize<'de> for Signpost {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).ok_or_else(|| serde::de::Error::custom("unknown signpost"))
    }
}

/// The signposts a report gets, in a stable order.
pub fn signposts_for(report: &Report, emergency: &dyn EmergencyCheck) -> Vec<Signpost> {
    let texts = report.free_texts();
    let mut out = Vec::new();
    if texts.iter().any(|t| emergency.is_emergency(t)) {
        out.push(Signpost::Emergency);
    }
    if is_fraud(report) {
        out.push(Signpost::ReportFraud);
    }
    out
}

const FRAUD_WORDS: &[&str] = &[
    "fraud",
    "fraudulent",
    "fraudster",
    "fraudsters",
    "scam",
    "scammed",
    "scammer",
    "scammers",
    "scams",
    "phishing",
    "smishing",
    "vishing",
    "hacked",
    "ransomware",
    "sextortion",
    "cybercrime",
];
const FRAUD_PHRASES: &[&str] = &[
    "identity theft",
    "bank transfer",
    "cyber crime",
    "online shopping",
];

/// Lower-case words of the text, split on anything that is not a letter or digit.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// Whether the text speaks of fraud: a fraud word, or a fraud phrase (words in a row).
pub fn mentions_fraud(text: &str) -> bool {
    let ws: Vec<String> = words(text).collect();
    if ws.iter().any(|w| FRAUD_WORDS.contains(&w.as_str())) {
        return true;
    }
    let joined = ws.join(" ");
    FRAUD_PHRASES.iter().any(|p| {
        joined == *p
            || joined.starts_with(&format!("{p} "))
            || joined.ends_with(&format!(" {p}"))
            || joined.contains(&format!(" {p} "))
    })
}

/// A crime report in the fraud category, or in "other" with text that speaks of fraud.
pub fn is_fraud(report: &Report) -> bool {
    match report.details() {
        ReportDetails::Crime(c) => match c.category {
            CrimeCategory::Fraud => true,
            CrimeCategory::Other => report.free_texts().iter().any(|t| mentions_fraud(t)),
            _ => false,
        },
        _ => false,
    }
}

/// The FAQ bot's detector decides for reports too: one notion of "an emergency" for chat and
/// online reporting, in every language it knows.
impl EmergencyCheck for crate::faq::EmergencyDetector {
    fn is_emergency(&self, text: &str) -> bool {
        self.detect(text).is_some()
    }
}

/// The FAQ bot's detector with the shipped lexicon, compiled on the first report whose text
/// it must read rather than at start: most of the reports API's requests are operators'
/// reads, which never need it, and its compile is most of the function's start-up work.
#[derive(Default)]
pub struct EmergencyCheckOnFirstUse(std::sync::OnceLock<crate::faq::EmergencyDetector>);

impl EmergencyCheck for EmergencyCheckOnFirstUse {
    fn is_emergency(&self, text: &str) -> bool {
        self.0
            .get_or_init(|| {
                // The shipped lexicon compiles: its tests build it from the same file.
                crate::faq::EmergencyDetector::new()
                    .expect("the shipped emergency lexicon compiles")
            })
            .detect(text)
            .is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_detector_compiled_on_first_use_decides_as_the_bot_s() {
        let lazy = EmergencyCheckOnFirstUse::default();
        assert!(
            lazy.0.get().is_none(),
            "nothing is compiled before a report needs it"
        );
        assert!(lazy.is_emergency("someone is breaking into my house right now"));
        assert!(!lazy.is_emergency("my house was burgled last month"));
        assert!(lazy.0.get().is_some());
    }

    #[test]
    fn fraud_is_spotted_in_words_and_phrases_but_not_inside_other_words() {
        let cases = [
            ("I was scammed by a seller", true),
            ("Someone committed FRAUD on my card", true),
            ("a phishing text", true),
            ("it was identity theft", true),
            ("They asked for a bank transfer.", true),
            ("My bike was stolen", false),
            ("the scampi was off", false),
            ("defraud", false),
        ];
        for (text, want) in cases {
            assert_eq!(mentions_fraud(text), want, "{text}");
        }
    }

    #[test]
    fn a_report_about_danger_now_is_an_emergency_and_a_past_one_is_not() {
        let check = crate::faq::EmergencyDetector::new().expect("the shipped lexicon loads");
        let cases = [
            ("He is still outside my door with a knife", true),
            ("someone is breaking in right now", true),
            ("My shed was broken into last week", false),
            ("My bike was stolen from the station yesterday", false),
        ];
        for (text, want) in cases {
            assert_eq!(check.is_emergency(text), want, "{text}");
        }
    }
}
