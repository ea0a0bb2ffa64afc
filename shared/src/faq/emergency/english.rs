//! The English word-level rules of the detector, with their word lists: what a phrase list
//! cannot say ("he's trying to break the door down", "if I see someone with a knife", "is
//! kicking"), and whether a message reads as English or asks rather than tells.

use super::schema::Kind;
use super::Tag;
use crate::domain::EmergencyReason;
use crate::faq::phrase::Hit;
use crate::faq::text::words;

/// Whether a message reads as English: enough English function words among its words, at
/// least one of them not also a word of another language ("a", "no", "me", "in", "is" are
/// Portuguese, Spanish, Romanian, Hungarian words too).
pub(super) fn english_like(folded: &str) -> bool {
    const FUNCTION_WORDS: &[&str] = &[
        "the", "an", "my", "of", "and", "it", "for", "you", "she", "was", "have", "has", "with",
        "at", "this", "that", "im", "its", "our", "someone", "there", "theres", "what", "how",
        "can", "not", "out", "his", "her", "they", "we", "your", "been", "just", "from", "by",
        "got", "hes", "shes",
    ];
    const SHARED_WORDS: &[&str] = &[
        "a", "to", "is", "in", "i", "on", "me", "he", "no", "are", "be",
    ];
    let (mut total, mut distinct, mut shared) = (0usize, 0usize, 0usize);
    for w in words(folded) {
        total += 1;
        distinct += usize::from(FUNCTION_WORDS.contains(&w));
        shared += usize::from(SHARED_WORDS.contains(&w));
    }
    let english = distinct + shared;
    distinct >= 1 && english >= 2 && english * 5 >= total
}

/// Whether a message is a question: a question mark, or an English question word first.
pub(super) fn asks_a_question(text: &str, folded: &str) -> bool {
    const QUESTION_WORDS: &[&str] = &[
        "how", "what", "whats", "where", "wheres", "when", "why", "who", "whos", "which", "can",
        "could", "should", "would", "is", "are", "do", "does", "did", "will", "may", "hows",
    ];
    // "can hear a woman screaming", "could see smoke": a perception, told, not asked.
    const PERCEIVED: &[&str] = &["hear", "see", "smell", "feel"];
    let mut ws = words(folded);
    let first = ws.next();
    let second = ws.next();
    let perceives =
        matches!(first, Some("can" | "could")) && second.is_some_and(|w| PERCEIVED.contains(&w));
    text.contains(['?', '？', '¿', '؟'])
        || (!perceives && first.is_some_and(|w| QUESTION_WORDS.contains(&w)))
}

/// The words of `folded` with their byte offsets.
pub(super) fn spanned_words(folded: &str) -> Vec<(usize, &str)> {
    let mut pos = 0;
    folded
        .split(' ')
        .map(|w| {
            let at = pos;
            pos += w.len() + 1;
            (at, w)
        })
        .filter(|(_, w)| !w.is_empty())
        .collect()
}

/// Someone attempting or threatening harm now: a third-person subject, "trying to" or
/// "threatening to" and a harm verb ("he's trying to break the door down", "hes threatening
/// to burn the house"). A weak
/// danger: the past ("he tried to", "was trying to" last week) and hypotheticals stay quiet.
pub(super) fn english_harm_attempts(folded: &str) -> Vec<Hit<Tag>> {
    const SUBJECTS: &[&str] = &[
        "hes",
        "shes",
        "theyre",
        "someones",
        "somebodys",
        "is",
        "are",
        "keeps",
        "keep",
        "still",
    ];
    // The verb and the reason; a door, window or "in" after a forcing verb is a break-in.
    const VERBS: &[(&str, EmergencyReason)] = &[
        ("break", EmergencyReason::BreakIn),
        ("smash", EmergencyReason::BreakIn),
        ("kick", EmergencyReason::Violence),
        ("force", EmergencyReason::BreakIn),
        ("bash", EmergencyReason::BreakIn),
        ("hit", EmergencyReason::Violence),
        ("hurt", EmergencyReason::Violence),
        ("punch", EmergencyReason::Violence),
        ("strangle", EmergencyReason::Violence),
        ("choke", EmergencyReason::Violence),
        ("attack", EmergencyReason::Violence),
        ("stab", EmergencyReason::Weapon),
        ("kill", EmergencyReason::ThreatToKill),
        ("drag", EmergencyReason::Abduction),
        ("grab", EmergencyReason::Abduction),
        ("snatch", EmergencyReason::Abduction),
        ("burn", EmergencyReason::Fire),
        ("throw", EmergencyReason::Violence),
        ("glass", EmergencyReason::Weapon),
    ];
    const FORCED: &[&str] = &["door", "doors", "window", "windows", "in", "into", "lock"];
    let ws = spanned_words(folded);
    let mut out = Vec::new();
    for i in 0..ws.len().saturating_sub(3) {
        if !SUBJECTS.contains(&ws[i].1)
            || !matches!(ws[i + 1].1, "trying" | "threatening")
            || ws[i + 2].1 != "to"
        {
            continue;
        }
        let (at, verb) = ws[i + 3];
        let Some(&(_, mut reason)) = VERBS.iter().find(|(v, _)| *v == verb) else {
            continue;
        };
        let object = &ws[i + 4..ws.len().min(i + 8)];
        if reason == EmergencyReason::Violence && object.iter().any(|w| FORCED.contains(&w.1)) {
            reason = EmergencyReason::BreakIn;
        }
        out.push(Hit {
            tag: Tag {
                language: "en",
                kind: Kind::Weak(reason),
            },
            start: ws[i].0,
            end: at + verb.len(),
        });
    }
    out
}

/// Someone forcing their way in, now, however it is put: a forcing verb as it happens
/// ("kicking", "smashing", "booting", "jemmying", "shoulder barging", "prising"), or attempted
/// ("trying to climb in through my window"), with a way in as its object a few words on (a
/// door, window, lock, the glass, the patio doors): "there's a guy kicking my front door in".
/// Also a third person who "just" did it ("they just smashed the glass in the front door").
/// A weak break-in, so the past stays quiet ("someone was kicking the door last night"), and a
/// finished act is no hit at all ("my door was kicked in last week"); so is the first person
/// ("I keep kicking the door when it sticks") and, after "just", a vehicle ("someone just
/// smashed my car window" is a crime to report, not a way into a home).
pub(super) fn english_forced_entry(folded: &str) -> Vec<Hit<Tag>> {
    /// Each forcing verb as written now (with the text-speak "-in"), after "trying to", and
    /// done.
    const FORCING: &[(&[&str], &str, &[&str])] = &[
        (&["kicking", "kickin"], "kick", &["kicked"]),
        (&["smashing", "smashin"], "smash", &["smashed"]),
        (&["forcing", "forcin"], "force", &["forced"]),
        (&["breaking", "breakin"], "break", &["broke"]),
        (&["booting", "bootin"], "boot", &["booted"]),
        (&["bashing", "bashin"], "bash", &["bashed"]),
        (&["battering", "batterin"], "batter", &["battered"]),
        (&["barging", "bargin"], "barge", &["barged"]),
        (&["ramming", "rammin"], "ram", &["rammed"]),
        (
            &["prising", "prizing", "prying"],
            "prise",
            &["prised", "prized", "pried"],
        ),
        (&["jemmying", "jimmying"], "jemmy", &["jemmied", "jimmied"]),
        (&["levering"], "lever", &["levered"]),
        (&["climbing", "climbin"], "climb", &["climbed"]),
    ];
    const WAYS_IN: &[&str] = &[
        "door",
        "doors",
        "frontdoor",
        "backdoor",
        "window",
        "windows",
        "lock",
        "locks",
        "glass",
        "patio",
        "letterbox",
    ];
    const FIRST_PERSON: &[&str] = &["i", "im", "am", "ive", "we", "were", "me", "myself"];
    const THIRD_PERSON: &[&str] = &[
        "they",
        "theyve",
        "he",
        "hes",
        "she",
        "shes",
        "someone",
        "someones",
        "somebody",
        "somebodys",
        "people",
        "men",
        "guys",
        "lads",
    ];
    const VEHICLES: &[&str] = &["car", "cars", "van", "vans", "vehicle", "motor", "lorry"];
    let ws = spanned_words(folded);
    let word = |i: usize| ws.get(i).map_or("", |w| w.1);
    let ahead = |i: usize| &ws[(i + 1).min(ws.len())..ws.len().min(i + 6)];
    let way_in = |i: usize| ahead(i).iter().any(|w| WAYS_IN.contains(&w.1));
    let mut out = Vec::new();
    for (i, &(at, w)) in ws.iter().enumerate() {
        let before = [
            word(i.wrapping_sub(1)),
            word(i.wrapping_sub(2)),
            word(i.wrapping_sub(3)),
        ];
        let by_me = before.iter().any(|b| FIRST_PERSON.contains(b));
        let forcing = FORCING.iter().find(|(now, base, _)| {
            now.contains(&w)
                || (*base == w && word(i.wrapping_sub(1)) == "to" && before[1] == "trying")
        });
        let just_done = FORCING.iter().any(|(_, _, done)| done.contains(&w))
            && before[0] == "just"
            && THIRD_PERSON.contains(&before[1])
            && !ahead(i).iter().any(|x| VEHICLES.contains(&x.1));
        if by_me || !(forcing.is_some() || just_done) || !way_in(i) {
            continue;
        }
        out.push(Hit {
            tag: Tag {
                language: "en",
                kind: Kind::Weak(EmergencyReason::BreakIn),
            },
            start: at,
            end: at + w.len(),
        });
    }
    out
}

/// A conditional about the one asking ("if I see someone carrying a knife", "if you ever
/// find..."): hypothetical, so it counts as a past marker.
pub(super) fn english_hypotheticals(folded: &str) -> Vec<Hit<Tag>> {
    const WHO: &[&str] = &["i", "you", "u", "we", "ya"];
    const SEEING: &[&str] = &[
        "see", "saw", "spot", "find", "notice", "witness", "hear", "ever", "come", "came", "were",
        "was",
    ];
    let ws = spanned_words(folded);
    ws.windows(3)
        .filter(|w| w[0].1 == "if" && WHO.contains(&w[1].1) && SEEING.contains(&w[2].1))
        .map(|w| Hit {
            tag: Tag {
                language: "en",
                kind: Kind::Past,
            },
            start: w[0].0,
            end: w[2].0 + w[2].1.len(),
        })
        .collect()
}

/// Where an English progressive verb follows a third-person subject ("he is kicking",
/// "they're smashing"): signs of now. First person is left out on purpose ("I'm trying to
/// report"), and so are verbs that are no event ("is going", "is looking").
pub(super) fn english_progressive(folded: &str) -> Vec<(usize, usize)> {
    const SUBJECTS: &[&str] = &[
        "is", "are", "hes", "shes", "theyre", "its", "theres", "someones", "keeps",
    ];
    const NOT_EVENTS: &[&str] = &[
        "thing",
        "nothing",
        "something",
        "anything",
        "everything",
        "morning",
        "evening",
        "during",
        "building",
        "wedding",
        "ceiling",
        "king",
        "ring",
        "sing",
        "bring",
        "spring",
        "string",
        "going",
        "trying",
        "looking",
        "asking",
        "wondering",
        "thinking",
        "wanting",
        "hoping",
        "calling",
        "reporting",
        "waiting",
        "getting",
        "having",
        "doing",
        "saying",
        "being",
        "feeling",
        "working",
        "living",
        "using",
        "making",
        "taking",
        "parking",
        "missing",
        "outstanding",
        "ongoing",
        "interesting",
        "worrying",
        "annoying",
    ];
    let is_event = |w: &str| w.len() >= 5 && w.ends_with("ing") && !NOT_EVENTS.contains(&w);
    let mut spans = Vec::new();
    let ws = spanned_words(folded);
    for (i, &(at, w)) in ws.iter().enumerate() {
        if !SUBJECTS.contains(&w) {
            continue;
        }
        let next = ws.get(i + 1).map(|x| x.1).unwrap_or("");
        let after = ws.get(i + 2).map(|x| x.1).unwrap_or("");
        let adverb = matches!(next, "still" | "now" | "just" | "currently");
        if is_event(next) || (adverb && is_event(after)) {
            let end = ws
                .get(i + if adverb { 2 } else { 1 })
                .map_or(at, |x| x.0 + x.1.len());
            spans.push((at, end));
        }
    }
    spans
}
