//! A party secretary's commands on their team's people besides placing a member
//! (`place_member`): registering a new person by CPR number and inviting them to a vacant seat
//! in one step, taking a member off a seat, sending an invitation again, and the members who
//! could be placed on a slot's seat now.

use serde::{Deserialize, Serialize};

use crate::cpr::Cpr;
use crate::model::{AuditEvent, CprLookup};
use chrono::{DateTime, NaiveDate, Utc};

use crate::ids::{ElectionId, ParticipantId, SeatId, TeamId};
use crate::messages::template::escape_html;
use crate::messages::{MessageKind, Template};
use crate::model::{
    AuditAction, Contact, Election, Op, Participant, Record, RecordKey, Rejection, RejectionKind,
    Seat, SlotKey, TaskType, Team, WorkLocation,
};
use crate::rules::access::{Actor, Permission};
use crate::rules::lifecycle::PersonFacts;
use crate::rules::{Refused, Violation, party};
use crate::store::{ChangeSet, Query};
use crate::values::FieldError;

use super::seats::{SeatRef, bookings_of, load_seat};
use super::tx::Tx;
use super::{Conflict, Error, MAX_ATTEMPTS, Result, Valghalla};

/// What a party secretary enters to register a new person: the CPR number (name, address and
/// eligibility come from the registry) and how to reach them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRegistration {
    /// The person's CPR number (looked up in the registry; never shown back in full).
    pub cpr: Cpr,
    /// Mobile number and/or e-mail (at least one).
    pub contact: Contact,
}

/// A registered person, as the secretary may see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registered {
    /// The new participant.
    pub participant: ParticipantId,
    /// Their name, from the registry.
    pub name: String,
    /// The seat they are invited to.
    pub seat: SeatId,
}

/// A team member as a candidate for a slot's seat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The member.
    pub participant: ParticipantId,
    /// Their name.
    pub name: String,
    /// `None` when they could be placed now; otherwise every reason why not (the secretary may
    /// read them: the person is in their team).
    pub refused: Option<Refused>,
}

/// A participant who said no to a task shortly before it
/// ([`Valghalla::with_late_withdrawal_days`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateWithdrawal {
    /// Who.
    pub participant: ParticipantId,
    /// Their name.
    pub name: String,
    /// The team whose seat it was.
    pub team: String,
    /// Where.
    pub work_location: String,
    /// Which task.
    pub task_type: String,
    /// The task's date.
    pub date: NaiveDate,
    /// When they said no.
    pub at: DateTime<Utc>,
    /// Declined an invitation or withdrew from an accepted seat.
    pub kind: RejectionKind,
}

impl Valghalla {
    /// The late withdrawals of an election, newest first: of one team (its secretaries may
    /// read them) or of every team (the secretariat).
    pub async fn late_withdrawals(
        &self,
        actor: &Actor,
        election: ElectionId,
        team: Option<TeamId>,
    ) -> Result<Vec<LateWithdrawal>> {
        match team {
            Some(team) => self.authorize(actor, Permission::ReadTeamMembers { team })?,
            None => self.authorize(actor, Permission::ReadOverview)?,
        }
        let days = self.late_withdrawal_days;
        let mut tx = Tx::reader(self);
        let mut out = Vec::new();
        for r in tx
            .query::<Rejection>(&Query::RejectionsOfElection(election))
            .await?
        {
            if team.is_some_and(|t| t != r.slot.team)
                || r.kind == RejectionKind::RemovedFromTeam
                || !party::is_late(r.slot.date, crate::time::local_date(r.at), days)
            {
                continue;
            }
            let name = tx
                .find::<Participant>(r.participant)
                .await?
                .map(|p| p.full_name())
                .unwrap_or_default();
            let title = |t: Option<String>| t.unwrap_or_default();
            out.push(LateWithdrawal {
                participant: r.participant,
                name,
                team: title(
                    tx.find::<Team>(r.slot.team)
                        .await?
                        .map(|t| t.name.to_string()),
                ),
                work_location: title(
                    tx.find::<WorkLocation>(r.slot.work_location)
                        .await?
                        .map(|l| l.title.to_string()),
                ),
                task_type: title(
                    tx.find::<TaskType>(r.slot.task_type)
                        .await?
                        .map(|t| t.title.to_string()),
                ),
                date: r.slot.date,
                at: r.at,
                kind: r.kind,
            });
        }
        out.sort_by(|a, b| b.at.cmp(&a.at).then(a.participant.cmp(&b.participant)));
        Ok(out)
    }

    /// A party secretary (or the secretariat) registers a new person by CPR number: looked up
    /// in the registry, made a member of the slot's team and invited to one of its vacant seats,
    /// in one atomic change. The person's message says who registered them and how to answer or
    /// decline. A CPR number of someone already known who is not in the team, and every reason
    /// about the person (age, eligibility, bookings), is refused as
    /// [`Violation::CannotRegister`], saying nothing more.
    pub async fn register_member(
        &self,
        actor: &Actor,
        slot: SlotKey,
        new: MemberRegistration,
    ) -> Result<Registered> {
        self.authorize(
            actor,
            Permission::PlaceMember {
                team: slot.team,
                work_location: slot.work_location,
            },
        )?;
        if new.contact.mobile.is_none() && new.contact.email.is_none() {
            return Err(FieldError::new(
                "contact",
                "kontakt",
                "give a mobile number or an e-mail address, so the person can be reached",
                "angiv mobilnummer eller e-mail, så personen kan kontaktes",
            )
            .into());
        }
        let person = self.registry.lookup(&new.cpr).await?;
        let ctx = self.ctx(actor);
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let mut tx = Tx::new(self);
            if let Some(known) = tx
                .query::<Participant>(&Query::ParticipantByCpr(new.cpr))
                .await?
                .into_iter()
                .next()
            {
                if known.teams.contains(&slot.team) {
                    return Err(Conflict::CprTaken.into());
                }
                return Err(Refused::one(Violation::CannotRegister).into());
            }
            let registrar = match actor {
                Actor::Person(p) => tx
                    .find::<Participant>(p.participant)
                    .await?
                    .map_or_else(|| "Jeres parti".to_owned(), |p| p.full_name()),
                _ => "Valgsekretariatet".to_owned(),
            };
            let id = ParticipantId::new();
            let b = self.seat_for(&mut tx, SeatRef::AnyIn(slot), id).await?;
            let team = tx.get::<crate::model::Team>(slot.team).await?;
            let p = Participant {
                id,
                cpr: new.cpr,
                person: person.clone(),
                contact: new.contact.clone(),
                special_diets: Default::default(),
                teams: [slot.team].into(),
                preferred_work_location: None,
                last_validated_at: Some(ctx.now),
                consent: None,
                created_at: ctx.now,
            };
            let facts = PersonFacts {
                participant: &p,
                bookings: &[],
            };
            let mut d = party::register(&ctx, &b.facts(), &facts)?;
            d.ops.retain(|op| op.key() != RecordKey::Participant(id));
            d.ops.push(Op::Put(Record::Participant(p.clone())));
            d.audit.push(ctx.audit(
                AuditAction::CprAccess,
                RecordKey::Participant(id),
                Some(id),
                None,
                AuditEvent::CprLookedUp(CprLookup::TeamResponsible),
            ));
            let seat = b.seat.id;
            let mut changes = tx.finish(d).await?;
            let text = registration_text(&mut tx, &registrar, team.name.as_str()).await?;
            for m in &mut changes.messages {
                if m.kind == MessageKind::Invitation && m.participant == id {
                    m.custom = Some(text.clone());
                }
            }
            match self.apply_retrying(changes, attempt).await? {
                true => continue,
                false => {
                    return Ok(Registered {
                        participant: id,
                        name: p.full_name(),
                        seat,
                    });
                }
            }
        }
    }

    /// Applies `changes`; `Ok(true)` when a conflict asks for another attempt.
    async fn apply_retrying(&self, changes: ChangeSet, attempt: u32) -> Result<bool> {
        match self.store.apply(changes).await {
            Ok(()) => Ok(false),
            Err(e) if e.is_conflict() && attempt < MAX_ATTEMPTS => Ok(true),
            Err(e) if e.is_conflict() => Err(Error::busy()),
            Err(e) => Err(e.into()),
        }
    }

    /// A party secretary takes a member off a seat of their team (within the locations they
    /// act for): an invitation at any time, an accepted seat before its lock period. The
    /// member is told.
    pub async fn unplace_member(&self, actor: &Actor, seat: SeatId) -> Result<()> {
        let ctx = self.ctx(actor);
        let acting = actor.clone();
        self.seat_command(actor, SeatRef::Seat(seat), None, None, async move |tx| {
            let s = tx.get::<Seat>(seat).await?;
            tx.svc.authorize(
                &acting,
                Permission::PlaceMember {
                    team: s.slot.team,
                    work_location: s.slot.work_location,
                },
            )?;
            let election = tx.get::<Election>(s.slot.election).await?;
            Ok((party::unplace(&ctx, &s, &election)?, ()))
        })
        .await
    }

    /// Sends the invitation of an invited seat of the team again (the same link).
    pub async fn resend_invitation(&self, actor: &Actor, seat: SeatId) -> Result<()> {
        let ctx = self.ctx(actor);
        let acting = actor.clone();
        self.seat_command(actor, SeatRef::Seat(seat), None, None, async move |tx| {
            let s = tx.get::<Seat>(seat).await?;
            tx.svc.authorize(
                &acting,
                Permission::PlaceMember {
                    team: s.slot.team,
                    work_location: s.slot.work_location,
                },
            )?;
            Ok((party::resend_invitation(&ctx, &s)?, ()))
        })
        .await
    }

    /// The team's members as candidates for a vacant seat of `slot`: who could be placed now,
    /// and why the others cannot (every check of the placement route). In Danish order.
    pub async fn placement_candidates(
        &self,
        actor: &Actor,
        slot: SlotKey,
    ) -> Result<Vec<Candidate>> {
        self.authorize(
            actor,
            Permission::PlaceMember {
                team: slot.team,
                work_location: slot.work_location,
            },
        )?;
        let ctx = self.ctx(actor);
        let mut tx = Tx::reader(self);
        let seats = tx.query::<Seat>(&Query::SeatsOfSlot(slot)).await?;
        let vacant = seats
            .into_iter()
            .find(|s| s.state == crate::model::SeatState::Vacant);
        let members = tx
            .query::<Participant>(&Query::MembersOfTeam(slot.team))
            .await?;
        let bundle = match vacant {
            Some(s) => Some(load_seat(&mut tx, s).await?),
            None => None,
        };
        let mut out = Vec::with_capacity(members.len());
        for p in members {
            let refused = match &bundle {
                None => Some(Refused::one(Violation::NoVacantSeat)),
                Some(b) => {
                    let bookings = bookings_of(&mut tx, p.id).await?;
                    party::placeable(
                        &ctx,
                        &b.facts(),
                        &PersonFacts {
                            participant: &p,
                            bookings: &bookings,
                        },
                    )
                    .err()
                }
            };
            out.push(Candidate {
                participant: p.id,
                name: p.full_name(),
                refused,
            });
        }
        out.sort_by(|a, b| {
            a.refused
                .is_some()
                .cmp(&b.refused.is_some())
                .then_with(|| crate::collation::danish_cmp(&a.name, &b.name))
        });
        Ok(out)
    }
}

/// The registration's message (subject, body) on the channel of group messages: who
/// registered the person, the task (from the invitation's tokens), and how to answer or
/// decline. Names are escaped so nothing in them is markup or a token.
async fn registration_text(
    tx: &mut Tx<'_>,
    registrar: &str,
    team: &str,
) -> Result<(String, String)> {
    let settings = tx.communication().await?;
    let channel = settings
        .library()
        .resolve_for(MessageKind::Group, &Default::default(), None)
        .channel();
    let safe = |s: &str| escape_html(s).replace('!', "&#33;");
    let plain = |s: &str| s.replace('!', "");
    let subject = "Du er registreret som valgtilforordnet".to_owned();
    let body = if channel.is_html() {
        let (registrar, team) = (safe(registrar), safe(team));
        format!(
            "<p>Kære !name</p>\
             <p>{registrar} har registreret dig som valgtilforordnet for {team} og sat dig på \
             en opgave: !task_type på !work_location, !work_location_address, den !task_date \
             kl. !task_start–!task_end.</p>\
             <p>Svar på invitationen her – du kan sige ja eller nej tak: !invitation</p>\
             <p>Vil du ikke være med, så sig nej tak via linket. Har du spørgsmål, så kontakt \
             valgsekretariatet: !contact</p>"
        )
    } else {
        format!(
            "!name: {} har registreret dig som valgtilforordnet for {} (!task_type, \
             !work_location, !task_date). Svar ja eller nej tak: !invitation",
            plain(registrar),
            plain(team)
        )
    };
    Template::parse("Registrering", channel, &subject, &body)?;
    Ok((subject, body))
}
