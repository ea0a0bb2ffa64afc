//! Text normalisation shared by the FAQ matcher, the emergency detector and the redaction of
//! unanswered questions: one folding so that patterns and messages always meet in the same form.

use unicode_normalization::UnicodeNormalization;

/// Lower-cases and folds `s` so that spelling variants meet: Latin diacritics are dropped
/// (`śledzi` → `sledzi`, `ş` → `s`), Arabic-script letter variants are unified (Persian and
/// Urdu `ی`/`ک` with Arabic `ي`/`ك`, hamza carriers, short vowels), apostrophes are removed
/// inside words (`don't` → `dont`) and everything that is not part of a word becomes one space.
/// The result starts and ends with a space, so a pattern can demand word boundaries with
/// a plain substring search.
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        return fold_ascii(s);
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push(' ');
    let mut last_space = true;
    let mut chars = s.nfd().peekable();
    while let Some(c) = chars.next() {
        // Marks that only change the look of a Latin or Arabic letter.
        if ('\u{0300}'..='\u{036F}').contains(&c)
            || ('\u{064B}'..='\u{065F}').contains(&c)
            || c == '\u{0670}'
            || c == '\u{0640}'
            || c == '\u{200C}'
            || c == '\u{200D}'
        {
            continue;
        }
        if matches!(c, '\'' | '’' | '‘' | '`' | 'ʼ') {
            // An apostrophe inside a word joins it (`it's` → `its`); elsewhere it separates.
            let next_is_word = chars.peek().is_some_and(|n| is_word_char(*n));
            if !last_space && next_is_word {
                continue;
            }
            push_space(&mut out, &mut last_space);
            continue;
        }
        if !is_word_char(c) {
            push_space(&mut out, &mut last_space);
            continue;
        }
        last_space = false;
        match c {
            'ł' | 'Ł' => out.push('l'),
            'ø' | 'Ø' => out.push('o'),
            'đ' | 'Đ' => out.push('d'),
            'ı' => out.push('i'),
            'ß' => out.push_str("ss"),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            'ی' | 'ى' | 'ئ' | 'ې' => out.push('ي'),
            'ک' => out.push('ك'),
            'ة' | 'ۀ' | 'ہ' | 'ە' => out.push('ه'),
            'أ' | 'إ' | 'آ' | 'ٱ' => out.push('ا'),
            'ؤ' => out.push('و'),
            // Full-width Latin letters and digits from CJK keyboards.
            '\u{FF10}'..='\u{FF5A}' => {
                let narrow = char::from_u32(c as u32 - 0xFEE0).unwrap_or(c);
                out.extend(narrow.to_lowercase());
            }
            _ => out.extend(c.to_lowercase()),
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

/// [`fold`] for ASCII text, which needs no Unicode decomposition (most English text).
fn fold_ascii(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len() + 2);
    out.push(' ');
    let mut last_space = true;
    for (i, &b) in bytes.iter().enumerate() {
        if b.is_ascii_alphanumeric() {
            out.push(char::from(b.to_ascii_lowercase()));
            last_space = false;
        } else if matches!(b, b'\'' | b'`')
            && !last_space
            && bytes.get(i + 1).is_some_and(u8::is_ascii_alphanumeric)
        {
            // An apostrophe inside a word joins it, as in `fold`.
        } else if !last_space {
            out.push(' ');
            last_space = true;
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

fn push_space(out: &mut String, last_space: &mut bool) {
    if !*last_space {
        out.push(' ');
        *last_space = true;
    }
}

/// A character that belongs to a word. Indic scripts count whole (their vowel signs and
/// viramas are marks, not letters, but split a word if treated as separators).
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
        || (('\u{0900}'..='\u{0DFF}').contains(&c) && c != '\u{0964}' && c != '\u{0965}')
}

/// The words of already folded text.
pub fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded.split(' ').filter(|w| !w.is_empty())
}

/// Whether `c` belongs to a script written without spaces between words, where a pattern can
/// only be matched as a substring.
pub fn is_unspaced_script(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xAC00..=0xD7AF)
}

/// Whether `c` belongs to the Arabic script, where clitics (`و`, `ال`, `ب`) attach to the front
/// of a word, so patterns are matched anywhere in a word.
pub fn is_arabic_script(c: char) -> bool {
    matches!(c as u32, 0x0600..=0x06FF | 0x0750..=0x077F | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_drops_diacritics_case_and_punctuation() {
        assert_eq!(
            fold("Pomocy! Ktoś mnie śledzi"),
            " pomocy ktos mnie sledzi "
        );
        assert_eq!(fold("¡Socorro!  Alguien está"), " socorro alguien esta ");
        assert_eq!(fold("Bıçak, ŞİMDİ"), " bicak simdi ");
        assert_eq!(fold("Łódź"), " lodz ");
    }

    #[test]
    fn folding_joins_contractions_and_keeps_quotes_apart() {
        assert_eq!(fold("He's outside, don't go"), " hes outside dont go ");
        assert_eq!(fold("Clare’s Law"), " clares law ");
        assert_eq!(fold("'quoted'"), " quoted ");
    }

    #[test]
    fn the_ascii_fast_path_folds_like_the_general_one() {
        for t in [
            "He's outside, don't go!",
            "'quoted' it's",
            "A--b  c'",
            "x'",
            "",
            "Road 12",
        ] {
            let general: String = {
                let mut with_mark = t.to_owned();
                with_mark.push('\u{0301}');
                fold(&with_mark)
            };
            assert_eq!(fold(t), general, "{t:?}");
        }
    }

    #[test]
    fn folding_unifies_arabic_script_variants() {
        assert_eq!(fold("کمک"), fold("كمك"));
        assert_eq!(fold("أمس"), fold("امس"));
        assert_eq!(fold("خانه‌ام"), " خانهام ");
    }

    #[test]
    fn folding_keeps_indic_words_whole() {
        assert_eq!(fold("ਮਦਦ ਕਰੋ!"), " ਮਦਦ ਕਰੋ ");
        assert_eq!(fold("உதவி செய்யுங்கள்"), " உதவி செய்யுங்கள் ");
    }
}
