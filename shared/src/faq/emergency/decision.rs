//! The decision: from the phrases that matched and the cues of the message, whether it
//! describes present danger, and why. Holds no text.

use super::schema::{Kind, PairPart};
use super::{EmergencySignal, Tag};
use crate::domain::EmergencyReason;
use crate::faq::phrase::Hit;
use std::collections::BTreeMap;

/// What the detector reads from the message besides its phrases.
pub(super) struct Cues {
    pub(super) word_count: usize,
    pub(super) exclaimed: bool,
    /// English progressive verbs ("he is kicking the door"), as spans of the folded text.
    pub(super) progressive: Vec<(usize, usize)>,
    /// The message asks something rather than tells: "what do I do if...", "is it legal...".
    pub(super) asks: bool,
}

/// Negations hide the danger words inside them ("nobody was hurt"); of a past and a present
/// phrase inside one another the longer wins (Romanian "acum un an", a year ago, contains
/// "acum", now; English "an hour ago" is recent, not past).
pub(super) fn drop_masked(hits: &mut Vec<Hit<Tag>>) {
    let spans = |kind: Kind, hits: &[Hit<Tag>]| -> Vec<(usize, usize)> {
        hits.iter()
            .filter(|h| h.tag.kind == kind)
            .map(|h| (h.start, h.end))
            .collect()
    };
    let negations = spans(Kind::Negation, hits);
    let pasts = spans(Kind::Past, hits);
    let mut presents = spans(Kind::Present, hits);
    presents.extend(spans(Kind::PresentWeak, hits));
    let inside = |h: &Hit<Tag>, spans: &[(usize, usize)]| {
        spans.iter().any(|&(s, e)| s <= h.start && h.end <= e)
    };
    hits.retain(|h| {
        let k = h.tag.kind;
        let strictly_inside = |spans: &[(usize, usize)]| {
            spans
                .iter()
                .any(|&(s, e)| s <= h.start && h.end <= e && e - s > h.end - h.start)
        };
        // A negation also hides a cry inside it: "who can help me" asks, it doesn't cry.
        !((k.is_danger() || matches!(k, Kind::Cry | Kind::CryWeak)) && inside(h, &negations)
            || matches!(k, Kind::Present | Kind::PresentWeak) && strictly_inside(&pasts)
            || k == Kind::Past && strictly_inside(&presents))
    });
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Tense {
    Past,
    Present,
}

/// The rules: strong phrases always fire; weak ones unless their nearest time marker is a
/// past one; statement phrases also not in a question; contextual ones (English past-tense
/// words such as "attacked") only with a sign of now nearest, or a cry. Other languages'
/// contextual phrases are mostly nouns and present tenses, so they count as statement
/// phrases.
pub(super) fn decide(hits: &[Hit<Tag>], folded: &str, cues: &Cues) -> Option<EmergencySignal> {
    // Tense is read per danger phrase from the nearest time marker, so that "the man who
    // attacked me last year is outside now with a knife" is about now, and "I was burgled
    // last month and now I'm scared" is about last month.
    let mut markers: Vec<(usize, usize, Tense)> = cues
        .progressive
        .iter()
        .map(|&(s, e)| (s, e, Tense::Present))
        .collect();
    // A weak sign of now that is a word of a danger phrase ("outside" in "fight outside")
    // says where, not when: it does not count.
    let in_danger_phrase = |m: &Hit<Tag>| {
        hits.iter().any(|d| {
            d.tag.kind.is_danger()
                && d.start <= m.start
                && m.end <= d.end
                && d.end - d.start > m.end - m.start
        })
    };
    for h in hits {
        match h.tag.kind {
            Kind::Past => markers.push((h.start, h.end, Tense::Past)),
            Kind::Present => markers.push((h.start, h.end, Tense::Present)),
            Kind::PresentWeak if !in_danger_phrase(h) => {
                markers.push((h.start, h.end, Tense::Present))
            }
            _ => {}
        }
    }
    let tense_at = |start: usize, end: usize| -> Option<Tense> {
        markers
            .iter()
            .map(|&(s, e, t)| {
                // Zero when they overlap.
                let gap = start.saturating_sub(e).max(s.saturating_sub(end));
                (gap, t == Tense::Past, t)
            })
            .min()
            .map(|(_, _, t)| t)
    };

    let word_count = cues.word_count;
    let cry_hits: Vec<&Hit<Tag>> = hits
        .iter()
        .filter(|h| matches!(h.tag.kind, Kind::Cry | Kind::CryWeak))
        .collect();
    let cry_words = covered_words(folded, &cry_hits);
    let cry_alone = !cry_hits.is_empty() && word_count.saturating_sub(cry_words) <= 1;
    let at_start = |h: &&Hit<Tag>| h.start <= 1;
    let strong_cry = hits.iter().any(|h| h.tag.kind == Kind::Cry);
    let cry_first = cry_hits.iter().any(at_start);
    let cry_at_start =
        cues.exclaimed && hits.iter().any(|h| h.tag.kind == Kind::Cry && h.start <= 1);
    // "Help" opening a message, or any real cry, makes danger words count whatever the tense.
    let cry = strong_cry || cry_alone || cry_first;

    // A strong phrase is about now unless the message sets it in the past or as a
    // hypothetical and nothing in it says now: "what happens if someone threatens to kill
    // you", "we had a bomb scare at work last month".
    let present_marker = markers.iter().any(|m| m.2 == Tense::Present);
    let mut fired: Vec<(EmergencyReason, &'static str)> = Vec::new();
    for h in hits {
        let tense = tense_at(h.start, h.end);
        let now = tense == Some(Tense::Present);
        let not_past = tense != Some(Tense::Past);
        let reason = match h.tag.kind {
            Kind::Strong(r) if not_past || cry || (present_marker && !cues.asks) => Some(r),
            Kind::Weak(r) if now || cry || not_past => Some(r),
            Kind::Statement(r) if now || cry || (not_past && !cues.asks) => Some(r),
            Kind::Contextual(r)
                if now || cry || (not_past && !cues.asks && h.tag.language != "en") =>
            {
                Some(r)
            }
            _ => None,
        };
        if let Some(r) = reason {
            fired.push((r, h.tag.language));
        }
    }
    let part = |p: PairPart| -> Option<(&'static str, Option<Tense>)> {
        hits.iter()
            .filter(|h| h.tag.kind == Kind::Pair(p))
            .map(|h| (h.tag.language, tense_at(h.start, h.end)))
            .min_by_key(|(_, t)| *t == Some(Tense::Past))
    };
    let pairs = [
        (
            PairPart::Crash,
            PairPart::Injury,
            EmergencyReason::CollisionWithInjuries,
        ),
        (
            PairPart::Vulnerable,
            PairPart::Missing,
            EmergencyReason::MissingVulnerablePerson,
        ),
        (
            PairPart::Vulnerable,
            PairPart::Harm,
            EmergencyReason::VulnerablePersonAtRisk,
        ),
        (
            PairPart::Ideation,
            PairPart::Means,
            EmergencyReason::SuicideRisk,
        ),
        (
            PairPart::Impaired,
            PairPart::Driving,
            EmergencyReason::CrimeInProgress,
        ),
    ];
    for (a, b, reason) in pairs {
        if let (Some((lang, ta)), Some((_, tb))) = (part(a), part(b)) {
            let past = ta == Some(Tense::Past) || tb == Some(Tense::Past);
            let now = ta == Some(Tense::Present) || tb == Some(Tense::Present);
            if now || cry || !past {
                fired.push((reason, lang));
            }
        }
    }
    // Someone who must not be out alone (dementia, a toddler, suicidal) who went out is
    // missing when a sign of now or of a short time since is nearest the going ("walked out
    // an hour ago", "has just left"); "my son walked out of school" is not.
    // The going's own words do not count as its time ("ran off" is a past marker).
    let recent_going = hits.iter().any(|h| {
        h.tag.kind == Kind::Pair(PairPart::Left)
            && markers
                .iter()
                .filter(|&&(s, e, _)| e <= h.start || h.end <= s)
                .map(|&(s, e, t)| (h.start.saturating_sub(e).max(s.saturating_sub(h.end)), t))
                .min_by_key(|&(gap, t)| (gap, t == Tense::Past))
                .is_some_and(|(_, t)| t == Tense::Present)
    });
    if let Some((lang, _)) = part(PairPart::AtRisk) {
        if recent_going || (cry && part(PairPart::Left).is_some()) {
            fired.push((EmergencyReason::MissingVulnerablePerson, lang));
        }
    }
    let present_anywhere = markers.iter().any(|m| m.2 == Tense::Present)
        && !markers.iter().any(|m| m.2 == Tense::Past);
    if fired.is_empty() && (cry_alone || cry_at_start || (strong_cry && present_anywhere)) {
        let lang = cry_hits.first().map_or("en", |h| h.tag.language);
        fired.push((EmergencyReason::CryForHelp, lang));
    }
    if fired.is_empty() {
        return None;
    }
    fired.sort();
    let reason = fired[0].0;
    let mut other_reasons: Vec<EmergencyReason> = fired.iter().map(|f| f.0).collect();
    other_reasons.dedup();
    other_reasons.retain(|r| *r != reason);
    Some(EmergencySignal {
        reason,
        other_reasons,
        language: dominant_language(hits),
    })
}

/// How many words of `folded` lie inside the given hits.
fn covered_words(folded: &str, hits: &[&Hit<Tag>]) -> usize {
    let mut count = 0;
    let mut pos = 0;
    for w in folded.split(' ') {
        let (start, end) = (pos, pos + w.len());
        pos = end + 1;
        if !w.is_empty() && hits.iter().any(|h| h.start <= start && end <= h.end) {
            count += 1;
        }
    }
    count
}

/// The language with most hits, preferring any other language over English: a Polish
/// message may contain an English loanword, not the other way round.
fn dominant_language(hits: &[Hit<Tag>]) -> &'static str {
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    for h in hits {
        *counts.entry(h.tag.language).or_default() += 1;
    }
    counts
        .iter()
        .filter(|(l, _)| **l != "en")
        .max_by_key(|(_, n)| **n)
        .map(|(l, _)| *l)
        .unwrap_or("en")
}
