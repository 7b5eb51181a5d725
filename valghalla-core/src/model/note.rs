//! Notes (*noter*): what the election secretariat writes down about a participant for itself
//! ("ringer helst om formiddagen", "har nøglen til skolen"). Only the secretariat ever reads
//! them; they go with the participant when the participant is deleted or anonymised. One
//! record per note.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{NoteId, ParticipantId};
use crate::values::FieldError;

/// The longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 2000;

/// A secretariat-only note about one participant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// Id.
    pub id: NoteId,
    /// The participant it is about.
    pub participant: ParticipantId,
    /// The text, as written (trimmed, line breaks as `\n`).
    pub text: String,
    /// Who wrote it (the staff member's user name).
    pub author: String,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When it was last changed, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited_at: Option<DateTime<Utc>>,
}

/// A note's text: trimmed, 1 to [`MAX_NOTE_CHARS`] characters.
pub fn parse_note(s: &str) -> Result<String, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(FieldError::new(
            "note",
            "note",
            "is empty; write what the secretariat should remember",
            "mangler; skriv hvad sekretariatet skal huske",
        ));
    }
    if s.chars().count() > MAX_NOTE_CHARS {
        return Err(FieldError::new(
            "note",
            "note",
            format!("is longer than {MAX_NOTE_CHARS} characters; shorten it"),
            format!("er længere end {MAX_NOTE_CHARS} tegn; gør den kortere"),
        ));
    }
    Ok(s.replace("\r\n", "\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn an_empty_or_too_long_note_is_a_field_error_naming_the_note() {
        assert_eq!(parse_note("  Ringer helst ").unwrap(), "Ringer helst");
        assert_eq!(parse_note("a\r\nb").unwrap(), "a\nb");
        let empty = parse_note(" \n ").unwrap_err();
        assert_eq!(empty.field, "note");
        assert!(empty.reason_da.contains("mangler"));
        let long = parse_note(&"x".repeat(MAX_NOTE_CHARS + 1)).unwrap_err();
        assert_eq!(long.field, "note");
        assert!(long.reason_da.contains("2000"));
        assert!(
            parse_note(&"æ".repeat(MAX_NOTE_CHARS)).is_ok(),
            "characters, not bytes"
        );
    }

    proptest! {
        #[test]
        fn an_accepted_note_is_trimmed_non_empty_and_within_the_limit(s in "\\PC{0,2100}") {
            match parse_note(&s) {
                Ok(t) => {
                    prop_assert!(!t.is_empty());
                    prop_assert!(t.chars().count() <= MAX_NOTE_CHARS);
                    prop_assert_eq!(t.trim(), t.as_str());
                }
                Err(e) => prop_assert_eq!(e.field, "note"),
            }
        }
    }
}
