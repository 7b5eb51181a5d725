//! People with responsibilities: work-location responsibles appointed and revoked one at a
//! time (party secretaries are [`Valghalla::set_team_responsible`]). A person's actor is built
//! from the stored teams and locations at each request ([`Valghalla::person_actor`]), so a
//! change takes effect at their next request.

use crate::ids::{ParticipantId, WorkLocationId};
use crate::model::AuditEvent;
use crate::model::{AuditAction, Op, Participant, Record, RecordKey, WorkLocation};
use crate::rules::Decision;
use crate::rules::access::{Actor, Permission};

use super::{Result, Valghalla, transact};

impl Valghalla {
    /// Makes `participant` a responsible of the work location (`true`) or no longer (`false`).
    /// Appointing someone already responsible, or revoking someone who is not, changes nothing
    /// and writes no audit entry.
    pub async fn set_location_responsible(
        &self,
        actor: &Actor,
        location: WorkLocationId,
        participant: ParticipantId,
        responsible: bool,
    ) -> Result<()> {
        self.authorize(actor, Permission::EditMasterData)?;
        let ctx = self.ctx(actor);
        transact!(self, |tx| {
            let mut l = tx.get::<WorkLocation>(location).await?;
            tx.get::<Participant>(participant).await?;
            let changed = if responsible {
                l.responsibles.insert(participant)
            } else {
                l.responsibles.remove(&participant)
            };
            if changed {
                let audit = ctx.audit(
                    AuditAction::Edit,
                    RecordKey::WorkLocation(location),
                    Some(participant),
                    None,
                    AuditEvent::LocationResponsible {
                        location,
                        granted: responsible,
                    },
                );
                (
                    Decision {
                        ops: vec![Op::Put(Record::WorkLocation(l))],
                        messages: vec![],
                        audit: vec![audit],
                    },
                    (),
                )
            } else {
                (Decision::default(), ())
            }
        });
        Ok(())
    }
}
