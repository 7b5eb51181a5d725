//! The secretariat's notes about a participant: administrators write them (and edit or delete
//! their own), the whole secretariat reads them, nobody else ever learns they exist. Every
//! write and every showing is in the audit log, as a CPR number's showing is; the log names
//! the participant and the note, never the text.

use crate::ids::{NoteId, ParticipantId};
use crate::model::{AuditAction, AuditEvent, Note, Op, Participant, Record, RecordKey, parse_note};
use crate::rules::Decision;
use crate::rules::access::{Actor, Permission};
use crate::store::{ChangeSet, Query};

use super::tx::Tx;
use super::{Result, Valghalla, transact};

/// The staff user a note is written by (only administrators write: see `WriteNotes`).
fn author_of(actor: &Actor) -> String {
    match actor {
        Actor::Secretariat { user, .. } => user.clone(),
        other => other.label().to_string(),
    }
}

impl Valghalla {
    /// Writes a note about `participant`. The text is checked first ([`parse_note`]): an empty
    /// or too long note is refused at the field and nothing is saved. Returns the note's id.
    pub async fn add_note(
        &self,
        actor: &Actor,
        participant: ParticipantId,
        text: &str,
    ) -> Result<NoteId> {
        self.authorize(actor, Permission::WriteNotes)?;
        let text = parse_note(text)?;
        let ctx = self.ctx(actor);
        let id = NoteId::new();
        transact!(self, |tx| {
            tx.get::<Participant>(participant).await?;
            let note = Note {
                id,
                participant,
                text: text.clone(),
                author: author_of(actor),
                created_at: ctx.now,
                edited_at: None,
            };
            let audit = ctx.audit(
                AuditAction::Create,
                RecordKey::Note(id),
                Some(participant),
                None,
                AuditEvent::NoteWritten,
            );
            (
                Decision {
                    ops: vec![Op::Put(Record::Note(note))],
                    messages: vec![],
                    audit: vec![audit],
                },
                (),
            )
        });
        Ok(id)
    }

    /// Changes the text of a note its author wrote. Another administrator's note is refused;
    /// the text is checked as for a new note.
    pub async fn edit_note(&self, actor: &Actor, id: NoteId, text: &str) -> Result<()> {
        self.authorize(actor, Permission::WriteNotes)?;
        let text = parse_note(text)?;
        let ctx = self.ctx(actor);
        transact!(self, |tx| {
            let mut note = tx.get::<Note>(id).await?;
            self.authorize(
                actor,
                Permission::ChangeNote {
                    author: note.author.clone(),
                },
            )?;
            let participant = note.participant;
            note.text = text.clone();
            note.edited_at = Some(ctx.now);
            let audit = ctx.audit(
                AuditAction::Edit,
                RecordKey::Note(id),
                Some(participant),
                None,
                AuditEvent::NoteEdited,
            );
            (
                Decision {
                    ops: vec![Op::Put(Record::Note(note))],
                    messages: vec![],
                    audit: vec![audit],
                },
                (),
            )
        });
        Ok(())
    }

    /// Deletes a note its author wrote.
    pub async fn delete_note(&self, actor: &Actor, id: NoteId) -> Result<()> {
        self.authorize(actor, Permission::WriteNotes)?;
        let ctx = self.ctx(actor);
        transact!(self, |tx| {
            let note = tx.get::<Note>(id).await?;
            self.authorize(
                actor,
                Permission::ChangeNote {
                    author: note.author.clone(),
                },
            )?;
            let audit = ctx.audit(
                AuditAction::Delete,
                RecordKey::Note(id),
                Some(note.participant),
                None,
                AuditEvent::NoteDeleted,
            );
            (
                Decision {
                    ops: vec![Op::Delete(RecordKey::Note(id))],
                    messages: vec![],
                    audit: vec![audit],
                },
                (),
            )
        });
        Ok(())
    }

    /// The notes about `participant`, newest first. Only the secretariat may ask; anyone else
    /// is denied before anything is read, so a denial says nothing about whether there are
    /// notes. Showing notes is audit-logged (a `View` of the participant, with how many); an
    /// empty list shows nothing and logs nothing.
    pub async fn notes(&self, actor: &Actor, participant: ParticipantId) -> Result<Vec<Note>> {
        self.authorize(actor, Permission::ReadNotes)?;
        let mut tx = Tx::reader(self);
        tx.get::<Participant>(participant).await?;
        let mut notes = tx
            .query::<Note>(&Query::NotesOfParticipant(participant))
            .await?;
        notes.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(a.id.cmp(&b.id)));
        if !notes.is_empty() {
            let n = notes.len();
            let audit = self.ctx(actor).audit(
                AuditAction::View,
                RecordKey::Participant(participant),
                Some(participant),
                None,
                AuditEvent::NotesShown(n),
            );
            self.store
                .apply(ChangeSet {
                    changes: vec![],
                    audit: vec![audit],
                    messages: vec![],
                })
                .await?;
        }
        Ok(notes)
    }
}

/// The deletions of what is kept about `participant` for their sake only — their threads with
/// the secretariat and the secretariat's notes about them — for a command that deletes or
/// anonymises the participant.
pub(super) async fn delete_private_records_of(
    tx: &mut Tx<'_>,
    participant: ParticipantId,
) -> Result<Vec<Op>> {
    let mut ops = super::threads::delete_threads_of(tx, participant).await?;
    ops.extend(
        tx.query::<Note>(&Query::NotesOfParticipant(participant))
            .await?
            .into_iter()
            .map(|n| Op::Delete(RecordKey::Note(n.id))),
    );
    Ok(ops)
}
