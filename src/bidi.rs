//! Bidirectional control characters (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F,
//! U+061C) make text display in another order than it is stored: `evil\u{202E}xslx.exe`
//! shows as `evilexe.xlsx`. Every text tiexi shows drops them: file names and names as
//! they are stored, and every value a page template or a chart prints.

use std::borrow::Cow;

/// Whether `c` changes the display order of the text around it.
#[must_use]
pub fn is_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// The text without bidirectional controls (borrowed when it had none).
#[must_use]
pub fn strip(text: &str) -> Cow<'_, str> {
    if text.chars().any(is_control) {
        Cow::Owned(text.chars().filter(|c| !is_control(*c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_bidi_control_is_dropped_and_nothing_else() {
        let controls = ['\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}']
            .into_iter()
            .chain(['\u{2068}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}']);
        for c in controls {
            assert_eq!(super::strip(&format!("evil{c}xslx.exe")), "evilxslx.exe", "U+{:04X}", u32::from(c));
        }
        for kept in ["红星二场 申报表.xlsx", "a\u{200D}b", "Ελληνικά", "עברית"] {
            assert!(matches!(super::strip(kept), std::borrow::Cow::Borrowed(_)), "{kept}");
        }
    }
}
