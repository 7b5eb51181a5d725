//! What a host (the web portal) needs around the commands: finding the participant behind an
//! authenticated login, a citizen registering themselves through a link, searching
//! participants and listing links.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use crate::collation::sort_danish_by;
use crate::cpr::Cpr;
use crate::ids::{ParticipantId, SpecialDietId, TeamId};
use crate::model::{Contact, Link, LinkKind, LinkToken, Participant, RecordKey, Seat, Team};
use crate::rules::access::{Actor, Permission};
use crate::rules::{Refused, Violation};
use crate::store::Query;

use super::participants::NewParticipant;
use super::tx::Tx;
use super::{Result, Valghalla};

/// A participant in a search result (never the CPR number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantSummary {
    /// Participant.
    pub id: ParticipantId,
    /// Full name.
    pub name: String,
    /// Birth date.
    pub birth_date: NaiveDate,
    /// Team names, in Danish order.
    pub teams: Vec<String>,
    /// Mobile.
    pub mobile: Option<String>,
    /// E-mail.
    pub email: Option<String>,
}

/// A link with the team it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkInfo {
    /// The link.
    pub link: Link,
    /// Its team.
    pub team: TeamId,
}

impl Valghalla {
    /// Whether the store answers, for a host's health check: one read of the municipality
    /// record, of which nothing is returned (so no actor and no permission are needed).
    pub async fn health(&self) -> Result<()> {
        self.store.get(RecordKey::Municipality).await?;
        Ok(())
    }

    /// The participant with `cpr`, for a host that has **authenticated** the person (MitID):
    /// the login's result, not a search. Never call it with a number someone typed in.
    pub async fn participant_for_login(&self, cpr: &Cpr) -> Result<Option<ParticipantId>> {
        let found = Tx::new(self)
            .query::<Participant>(&Query::ParticipantByCpr(*cpr))
            .await?;
        Ok(found.into_iter().next().map(|p| p.id))
    }

    /// A citizen whom the host has authenticated (MitID) registers themselves through a live
    /// link: the person is looked up in the registry and created as a member of the link's team.
    pub async fn register_through_link(
        &self,
        cpr: Cpr,
        contact: Contact,
        special_diets: BTreeSet<SpecialDietId>,
        token: &LinkToken,
    ) -> Result<Participant> {
        self.sign_up_through_link(cpr, contact, special_diets, token, None)
            .await
    }

    /// [`Valghalla::register_through_link`], recording in the same change whether the person
    /// consented to be kept after their last election (`Some(version of the privacy text they
    /// were shown)`); the retention job spares those who did.
    pub async fn sign_up_through_link(
        &self,
        cpr: Cpr,
        contact: Contact,
        special_diets: BTreeSet<SpecialDietId>,
        token: &LinkToken,
        consent: Option<String>,
    ) -> Result<Participant> {
        let link = self.live_link(token).await?;
        let team = self.team_of_link(&link).await?;
        let actor = Actor::System {
            job: "selvregistrering".into(),
        };
        let person = self.registry.lookup(&cpr).await?;
        self.insert_participant(
            &actor,
            NewParticipant {
                cpr,
                contact,
                teams: [team].into(),
                special_diets,
                preferred_work_location: None,
            },
            person,
            consent,
        )
        .await
    }

    /// Participants whose name contains `text` (case-insensitive), in Danish order, at most
    /// `limit`. Secretariat only.
    pub async fn search_participants(
        &self,
        actor: &Actor,
        text: &str,
        limit: usize,
    ) -> Result<Vec<ParticipantSummary>> {
        self.authorize(actor, Permission::ReadOverview)?;
        let mut tx = Tx::new(self);
        let teams: std::collections::BTreeMap<TeamId, String> = tx
            .all::<Team>()
            .await?
            .into_iter()
            .map(|t| (t.id, t.name.to_string()))
            .collect();
        let needle = text.trim().to_lowercase();
        let mut out: Vec<ParticipantSummary> = tx
            .all::<Participant>()
            .await?
            .into_iter()
            .filter(|p| needle.is_empty() || p.full_name().to_lowercase().contains(&needle))
            .map(|p| {
                let mut team_names: Vec<String> = p
                    .teams
                    .iter()
                    .filter_map(|t| teams.get(t).cloned())
                    .collect();
                sort_danish_by(&mut team_names, |n| n.as_str());
                ParticipantSummary {
                    id: p.id,
                    name: p.full_name(),
                    birth_date: p.person.birth_date,
                    teams: team_names,
                    mobile: p.contact.mobile.map(|m| m.national()),
                    email: p.contact.email.as_ref().map(|e| e.to_string()),
                }
            })
            .collect();
        sort_danish_by(&mut out, |p| p.name.as_str());
        out.truncate(limit);
        Ok(out)
    }

    /// The links of `team` (`None`: every link; secretariat only), newest first.
    pub async fn links(&self, actor: &Actor, team: Option<TeamId>) -> Result<Vec<LinkInfo>> {
        self.authorize(actor, Permission::ManageLinks { team })?;
        let mut tx = Tx::new(self);
        let mut out = Vec::new();
        for link in tx.all::<Link>().await? {
            let link_team = match &link.kind {
                LinkKind::Team { team } => *team,
                LinkKind::Vacancies(f) => f.team,
                LinkKind::Seat { seat } => match tx.find::<Seat>(*seat).await? {
                    Some(s) => s.slot.team,
                    None => continue,
                },
            };
            if team.is_none_or(|t| t == link_team) {
                out.push(LinkInfo {
                    link,
                    team: link_team,
                });
            }
        }
        out.sort_by_key(|l| std::cmp::Reverse(l.link.created_at));
        Ok(out)
    }

    async fn live_link(&self, token: &LinkToken) -> Result<Link> {
        Ok(Tx::new(self)
            .query::<Link>(&Query::LinkByToken(token.clone()))
            .await?
            .into_iter()
            .find(Link::is_live)
            .ok_or_else(|| Refused::one(Violation::LinkDoesNotCoverSeat))?)
    }

    async fn team_of_link(&self, link: &Link) -> Result<TeamId> {
        Ok(match &link.kind {
            LinkKind::Team { team } => *team,
            LinkKind::Vacancies(f) => f.team,
            LinkKind::Seat { seat } => Tx::new(self).get::<Seat>(*seat).await?.slot.team,
        })
    }
}
