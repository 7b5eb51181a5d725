//! Threads (*beskeder*): a participant or party secretary writes to the election secretariat,
//! the secretariat answers, and either side reads the whole exchange. One record per thread.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{MessageId, ParticipantId, SeatId, ThreadId};
use crate::values::FieldError;

/// The longest subject, in characters.
pub const MAX_SUBJECT_CHARS: usize = 200;
/// The longest text of one post, in characters.
pub const MAX_POST_CHARS: usize = 5000;

/// Who wrote a post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PostAuthor {
    /// The person the thread belongs to.
    Person,
    /// Someone in the secretariat, by user name.
    Secretariat {
        /// The user name.
        user: String,
    },
}

/// One post of a thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Post {
    /// Who wrote it.
    pub author: PostAuthor,
    /// The text, as written (trimmed).
    pub text: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The outgoing message that delivered an answer to the person's channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<MessageId>,
}

/// Whether the secretariat still has to act on a thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThreadState {
    /// Waiting for or in conversation.
    Open,
    /// Closed by the secretariat (a new post from the person opens it again).
    Closed {
        /// When.
        at: DateTime<Utc>,
        /// By whom (user name).
        by: String,
    },
}

/// A conversation between one person and the secretariat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thread {
    /// Id.
    pub id: ThreadId,
    /// The person who wrote it (a participant, possibly a party secretary).
    pub participant: ParticipantId,
    /// The subject.
    pub subject: String,
    /// The seat it is about, if any (one the person holds or, for a party secretary, one of
    /// their team's).
    pub seat: Option<SeatId>,
    /// The posts, oldest first (never empty).
    pub posts: Vec<Post>,
    /// Open or closed.
    pub state: ThreadState,
    /// Whether the person's last post is unread in the secretariat.
    pub unread_by_secretariat: bool,
    /// Whether the secretariat's last answer is unread by the person.
    pub unread_by_participant: bool,
    /// When it was started.
    pub created_at: DateTime<Utc>,
}

impl Thread {
    /// When the last post was written.
    pub fn last_at(&self) -> DateTime<Utc> {
        self.posts.last().map_or(self.created_at, |p| p.at)
    }

    /// Whether it is open.
    pub fn is_open(&self) -> bool {
        self.state == ThreadState::Open
    }
}

/// A subject: trimmed, 1 to [`MAX_SUBJECT_CHARS`] characters, one line.
pub fn parse_subject(s: &str) -> Result<String, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(FieldError::new(
            "subject",
            "emne",
            "is empty; say in a few words what it is about",
            "mangler; skriv med få ord, hvad det drejer sig om",
        ));
    }
    if s.chars().count() > MAX_SUBJECT_CHARS {
        return Err(FieldError::new(
            "subject",
            "emne",
            format!("is longer than {MAX_SUBJECT_CHARS} characters; shorten it"),
            format!("er længere end {MAX_SUBJECT_CHARS} tegn; gør det kortere"),
        ));
    }
    if s.chars().any(char::is_control) {
        return Err(FieldError::new(
            "subject",
            "emne",
            "must be one line",
            "skal være én linje",
        ));
    }
    Ok(s.to_owned())
}

/// A post's text: trimmed, 1 to [`MAX_POST_CHARS`] characters.
pub fn parse_post(s: &str) -> Result<String, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(FieldError::new(
            "text",
            "besked",
            "is empty; write what you want to say",
            "mangler; skriv hvad du vil sige",
        ));
    }
    if s.chars().count() > MAX_POST_CHARS {
        return Err(FieldError::new(
            "text",
            "besked",
            format!("is longer than {MAX_POST_CHARS} characters; shorten it"),
            format!("er længere end {MAX_POST_CHARS} tegn; gør den kortere"),
        ));
    }
    Ok(s.replace("\r\n", "\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn an_empty_or_too_long_subject_is_a_field_error() {
        assert_eq!(parse_subject("  Spørgsmål ").unwrap(), "Spørgsmål");
        assert_eq!(parse_subject("   ").unwrap_err().field, "subject");
        assert!(parse_subject(&"x".repeat(MAX_SUBJECT_CHARS + 1)).is_err());
        assert!(parse_subject("to\nlinjer").is_err());
    }

    #[test]
    fn an_empty_or_too_long_post_is_a_field_error() {
        assert_eq!(parse_post(" Hej!\r\nTak ").unwrap(), "Hej!\nTak");
        assert_eq!(parse_post("\n").unwrap_err().field, "text");
        assert!(parse_post(&"æ".repeat(MAX_POST_CHARS + 1)).is_err());
        assert!(parse_post(&"æ".repeat(MAX_POST_CHARS)).is_ok());
    }

    proptest! {
        #[test]
        fn a_parsed_post_is_trimmed_non_empty_and_bounded(s in ".{0,300}") {
            if let Ok(p) = parse_post(&s) {
                prop_assert!(!p.is_empty());
                prop_assert_eq!(p.trim(), p.as_str());
                prop_assert!(p.chars().count() <= MAX_POST_CHARS);
            }
        }
    }
}
