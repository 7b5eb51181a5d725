//! Who the secretariat can invite to a seat: people found by name, each either free (the
//! invitation rule lets them take it) or with every reason why not, in Danish; people who said
//! no to the same task before are marked; people with the same name are told apart by birth
//! year and postal district.

use std::collections::BTreeSet;

use crate::collation::sort_danish_by;
use crate::ids::{ParticipantId, SeatId};
use crate::model::{Participant, Rejection, Seat};
use crate::rules::access::{Actor, Permission};
use crate::rules::lifecycle::{self, PersonFacts};
use crate::store::Query;
use crate::values::DanishMessage;

use super::seats::{bookings_of, load_seat};
use super::tx::Tx;
use super::{Result, Valghalla};

/// Someone who could be invited to a seat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteCandidate {
    /// The participant.
    pub participant: ParticipantId,
    /// Their name.
    pub name: String,
    /// Their birth year and postal district (`1984, 4000 Roskilde`), to tell people with the
    /// same name apart; no address for people with a protected address.
    pub tell_apart: String,
    /// Whether the invitation rule lets them take the seat now.
    pub free: bool,
    /// Why not, in Danish (empty when free).
    pub reasons: Vec<String>,
    /// Whether they said no to the same task (slot) before.
    pub declined_before: bool,
}

impl Valghalla {
    /// Up to `limit` people whose name contains `search` (ignoring case), in Danish order, for
    /// the seat: free or with the reasons they may not be invited. Secretariat only.
    pub async fn invite_candidates(
        &self,
        actor: &Actor,
        seat: SeatId,
        search: &str,
        limit: usize,
    ) -> Result<Vec<InviteCandidate>> {
        self.authorize(actor, Permission::ManageSeatHolders)?;
        let ctx = self.ctx(actor);
        let mut tx = Tx::reader(self);
        let s = tx.get::<Seat>(seat).await?;
        let slot = s.slot;
        let bundle = load_seat(&mut tx, s).await?;
        let declined: BTreeSet<ParticipantId> = tx
            .query::<Rejection>(&Query::RejectionsOfElection(slot.election))
            .await?
            .into_iter()
            .filter(|r| r.slot == slot)
            .map(|r| r.participant)
            .collect();
        let needle = search.trim().to_lowercase();
        let mut people: Vec<(String, Participant)> = tx
            .all::<Participant>()
            .await?
            .into_iter()
            .map(|p| (p.full_name(), p))
            .filter(|(name, _)| needle.is_empty() || name.to_lowercase().contains(&needle))
            .collect();
        sort_danish_by(&mut people, |(name, _)| name.as_str());
        let mut out = Vec::new();
        for (name, p) in people.into_iter().take(limit) {
            let bookings = bookings_of(&mut tx, p.id).await?;
            let person = PersonFacts {
                participant: &p,
                bookings: &bookings,
            };
            let reasons: Vec<String> = match lifecycle::invite(&ctx, &bundle.facts(), &person) {
                Ok(_) => Vec::new(),
                Err(refused) => refused.violations.iter().map(|v| v.message_da()).collect(),
            };
            let place = if p.person.protected_address {
                None
            } else {
                p.person.address.as_ref().and_then(|a| {
                    a.postal_code
                        .map(|code| format!("{code} {}", a.city).trim().to_owned())
                })
            };
            out.push(InviteCandidate {
                participant: p.id,
                name,
                tell_apart: match place {
                    Some(place) => format!("{}, {place}", p.person.birth_date.format("%Y")),
                    None => p.person.birth_date.format("%Y").to_string(),
                },
                free: reasons.is_empty(),
                reasons,
                declined_before: declined.contains(&p.id),
            });
        }
        Ok(out)
    }
}
