//! Typed identifiers. Every entity has its own id type, so an `AreaId` can never be passed where a
//! `TeamId` is expected.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh random id.
            pub fn new() -> Self {
                Self(Uuid::new_v4())
            }

            /// Wraps an existing UUID (for stores that read ids back).
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// The underlying UUID.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(&self.0, f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// Identifies an [`Area`](crate::model::Area).
    AreaId
);
id_type!(
    /// Identifies a [`WorkLocation`](crate::model::WorkLocation).
    WorkLocationId
);
id_type!(
    /// Identifies a [`TaskType`](crate::model::TaskType).
    TaskTypeId
);
id_type!(
    /// Identifies a [`Team`](crate::model::Team).
    TeamId
);
id_type!(
    /// Identifies an [`ElectionType`](crate::model::ElectionType).
    ElectionTypeId
);
id_type!(
    /// Identifies an [`Election`](crate::model::Election).
    ElectionId
);
id_type!(
    /// Identifies a [`Seat`](crate::model::Seat).
    SeatId
);
id_type!(
    /// Identifies a [`Participant`](crate::model::Participant).
    ParticipantId
);
id_type!(
    /// Identifies a [`SpecialDiet`](crate::model::SpecialDiet).
    SpecialDietId
);
id_type!(
    /// Identifies a [`Rejection`](crate::model::Rejection) history entry.
    RejectionId
);
id_type!(
    /// Identifies a [`Link`](crate::model::Link).
    LinkId
);
id_type!(
    /// Identifies a [`Thread`](crate::model::Thread) with the secretariat.
    ThreadId
);
id_type!(
    /// Identifies a secretariat-only [`Note`](crate::model::Note) about a participant.
    NoteId
);
id_type!(
    /// Identifies an [`AuditEntry`](crate::model::AuditEntry).
    AuditId
);
id_type!(
    /// Identifies an outgoing message in the outbox.
    MessageId
);
id_type!(
    /// Identifies a message [`Template`](crate::messages::template::Template).
    TemplateId
);
id_type!(
    /// Identifies a [`SeatOffer`](crate::model::SeatOffer) to the reserves of a day.
    OfferId
);
