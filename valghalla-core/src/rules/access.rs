//! The access policy: one pure function, [`authorize`], decides whether an actor may do
//! something. Everything is denied unless a rule below allows it.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::ids::{ParticipantId, TeamId, WorkLocationId};
use crate::model::{ActorLabel, LocationScope};
use crate::rules::{Refused, Violation};

/// A staff member's role in the secretariat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StaffRole {
    /// May do everything.
    Administrator,
    /// May read everything except full CPR numbers, and change nothing.
    Reader,
}

/// A citizen who is logged in, with the responsibilities they hold. One person can be a
/// participant, a team responsible and a work-location responsible at once.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PersonActor {
    /// The participant they are.
    pub participant: ParticipantId,
    /// Teams they are responsible for (party secretary), and where.
    pub responsible_for_teams: BTreeMap<TeamId, LocationScope>,
    /// Work locations they are responsible for.
    pub responsible_for_locations: BTreeSet<WorkLocationId>,
}

/// Who is acting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Actor {
    /// Someone in the election secretariat.
    Secretariat {
        /// User name (for the audit log).
        user: String,
        /// Role.
        role: StaffRole,
    },
    /// A logged-in citizen (participant, team responsible and/or work-location responsible).
    Person(PersonActor),
    /// Someone holding a link who is not logged in.
    Anonymous,
    /// A background job.
    System {
        /// The job's name.
        job: String,
    },
}

impl Actor {
    /// How the audit log and a denial name the actor (never a CPR number).
    pub fn label(&self) -> ActorLabel {
        match self {
            Actor::Secretariat { user, .. } => ActorLabel::Staff { user: user.clone() },
            Actor::Person(p) => ActorLabel::Participant(p.participant),
            Actor::Anonymous => ActorLabel::Anonymous,
            Actor::System { job } => ActorLabel::Job { name: job.clone() },
        }
    }
}

/// What an actor wants to do, with the facts about the resource the decision depends on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Permission {
    /// Read areas, locations, task types, teams, diets, election types and elections.
    ReadMasterData,
    /// Change them.
    EditMasterData,
    /// Create, edit, duplicate, activate, deactivate or delete elections.
    ManageElections,
    /// Change seat counts or move vacant seats.
    DistributeSeats,
    /// See the election-wide staffing overview.
    ReadOverview,
    /// See a team's seats at a location (and their holders' names).
    ReadTeamSeats {
        /// The team.
        team: TeamId,
        /// The location.
        work_location: WorkLocationId,
    },
    /// Invite someone to a seat, answer on their behalf or remove them.
    ManageSeatHolders,
    /// Place a member of `team` into one of its seats at `work_location`.
    PlaceMember {
        /// The team.
        team: TeamId,
        /// The location.
        work_location: WorkLocationId,
    },
    /// Act as a logged-in participant: answer, withdraw from or take a seat, or join a team,
    /// as oneself. Only a person may; the permission for the seat itself follows.
    ActAsParticipant,
    /// Accept, decline or withdraw from a seat as the participant it concerns.
    AnswerOwnSeat {
        /// The participant concerned.
        participant: ParticipantId,
    },
    /// Take a vacant seat through a link or a team's vacancy list (as `participant`).
    TakeVacantSeat {
        /// The participant taking it.
        participant: ParticipantId,
    },
    /// Read a participant's profile (without the full CPR number).
    ReadParticipant {
        /// The participant.
        participant: ParticipantId,
        /// Their teams.
        teams: BTreeSet<TeamId>,
    },
    /// See a participant's full CPR number.
    ReadFullCpr,
    /// Look a CPR number up in the registry and create a participant.
    CreateParticipant,
    /// Change a participant's contact details, diets and preferred work location. Joining or
    /// leaving a team is its own permission ([`Permission::JoinTeam`], [`Permission::LeaveTeam`]).
    EditParticipant {
        /// The participant.
        participant: ParticipantId,
    },
    /// Make `participant` a member of `team`. A person joins only through the team's link
    /// (which its responsible or the secretariat makes); the secretariat adds anyone.
    JoinTeam {
        /// The participant.
        participant: ParticipantId,
        /// The team.
        team: TeamId,
        /// Whether it happens through a live link of the team.
        by_link: bool,
    },
    /// `participant` leaves `team` on their own (or the secretariat takes them out). A team
    /// responsible removing a member is [`Permission::RemoveTeamMember`].
    LeaveTeam {
        /// The participant.
        participant: ParticipantId,
        /// The team.
        team: TeamId,
    },
    /// Delete or anonymise a participant.
    DeleteParticipant {
        /// The participant.
        participant: ParticipantId,
    },
    /// List a team's members and their seats.
    ReadTeamMembers {
        /// The team.
        team: TeamId,
    },
    /// Remove a member from a team.
    RemoveTeamMember {
        /// The team.
        team: TeamId,
    },
    /// Make or revoke a link for `team` (`None`: a seat link or other secretariat link).
    ManageLinks {
        /// The team the link is for.
        team: Option<TeamId>,
    },
    /// See the staff of a work location with contact details.
    ReadLocationStaff {
        /// The location.
        work_location: WorkLocationId,
    },
    /// Read the audit log.
    ReadAuditLog,
    /// Read the communication log, send group messages, edit templates.
    ManageCommunication,
    /// Export lists.
    ExportLists,
    /// Run a background job.
    RunJob,
    /// Write to the secretariat as `participant`: start a thread or add to one of their own.
    WriteToSecretariat {
        /// The participant writing.
        participant: ParticipantId,
    },
    /// Read the threads `participant` started with the secretariat.
    ReadThreads {
        /// Whose threads.
        participant: ParticipantId,
    },
    /// Read the secretariat's inbox: every thread and its unread count.
    ReadInbox,
    /// Answer, mark read and close threads in the secretariat's inbox.
    AnswerThreads,
    /// Send a message to every member of `team` (its secretaries, or the secretariat).
    MessageTeam {
        /// The team.
        team: TeamId,
    },
    /// Record who turned up at a station's seats on election day, or offer a missing person's
    /// seat to the day's reserves: the station's responsible, its chair (`chairs`: the actor
    /// holds the station's chair seat that day) or the secretariat.
    RecordAttendance {
        /// The station.
        work_location: WorkLocationId,
        /// Whether the actor chairs the station that day.
        chairs: bool,
    },
    /// See a station's attendance board (expected, arrived, missing): whoever may record it,
    /// and the secretariat's readers.
    ReadAttendance {
        /// The station.
        work_location: WorkLocationId,
        /// Whether the actor chairs the station that day.
        chairs: bool,
    },
    /// Sign `participant` up (or off) as a reserve for a day: themselves through the day's
    /// link, or the secretariat.
    SignUpReserve {
        /// The participant.
        participant: ParticipantId,
    },
    /// See the reserves of a day.
    ReadReserves,
    /// Take a seat offered to `participant` as a reserve (only they, with their take link).
    TakeOfferedSeat {
        /// The reserve.
        participant: ParticipantId,
    },
    /// Read the secretariat's notes about participants: the whole secretariat, readers too (a
    /// reader reads everything the secretariat keeps but full CPR numbers; notes are the
    /// secretariat's own working knowledge). Nobody else, not the person themselves.
    ReadNotes,
    /// Write a note about a participant: the secretariat's administrators.
    WriteNotes,
    /// Edit or delete a note written by `author` (a staff user name): only its author, an
    /// administrator — a colleague's note is theirs to correct.
    ChangeNote {
        /// Who wrote the note.
        author: String,
    },
}

/// Why an actor was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{actor} may not {permission:?}")]
pub struct Denied {
    /// The actor.
    pub actor: ActorLabel,
    /// What they tried.
    pub permission: Permission,
}

fn team_scope_allows(p: &PersonActor, team: TeamId, location: Option<WorkLocationId>) -> bool {
    match (p.responsible_for_teams.get(&team), location) {
        (Some(scope), Some(loc)) => scope.contains(loc),
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// What a refused command may tell `actor` when it names `person` (a member of `person_teams`)
/// for a seat of `team`: every reason when the actor may read the person, otherwise only that
/// the person is not a member of the team — never their age, eligibility or bookings.
pub fn refusal_for(
    actor: &Actor,
    person: ParticipantId,
    person_teams: &BTreeSet<TeamId>,
    team: TeamId,
    refused: Refused,
) -> Refused {
    let readable = authorize(
        actor,
        &Permission::ReadParticipant {
            participant: person,
            teams: person_teams.clone(),
        },
    )
    .is_ok();
    if readable {
        refused
    } else {
        Refused::one(Violation::NotTeamMember { team })
    }
}

/// Decides whether `actor` may do `permission`. Deny by default.
pub fn authorize(actor: &Actor, permission: &Permission) -> Result<(), Denied> {
    use Permission as P;
    let allowed = match actor {
        Actor::Secretariat {
            role: StaffRole::Administrator,
            user,
        } => match permission {
            P::ChangeNote { author } => author == user,
            _ => !matches!(
                permission,
                P::ActAsParticipant
                    | P::AnswerOwnSeat { .. }
                    | P::TakeVacantSeat { .. }
                    | P::WriteToSecretariat { .. }
                    | P::TakeOfferedSeat { .. }
            ),
        },
        Actor::Secretariat {
            role: StaffRole::Reader,
            ..
        } => matches!(
            permission,
            P::ReadMasterData
                | P::ReadOverview
                | P::ReadTeamSeats { .. }
                | P::ReadParticipant { .. }
                | P::ReadTeamMembers { .. }
                | P::ReadLocationStaff { .. }
                | P::ReadAuditLog
                | P::ReadInbox
                | P::ReadThreads { .. }
                | P::ReadAttendance { .. }
                | P::ReadReserves
                | P::ReadNotes
        ),
        Actor::Person(p) => match permission {
            P::ReadMasterData | P::ActAsParticipant => true,
            P::AnswerOwnSeat { participant }
            | P::TakeVacantSeat { participant }
            | P::WriteToSecretariat { participant }
            | P::ReadThreads { participant }
            | P::EditParticipant { participant }
            | P::DeleteParticipant { participant }
            | P::LeaveTeam { participant, .. }
            | P::SignUpReserve { participant }
            | P::TakeOfferedSeat { participant } => *participant == p.participant,
            P::RecordAttendance {
                work_location,
                chairs,
            }
            | P::ReadAttendance {
                work_location,
                chairs,
            } => *chairs || p.responsible_for_locations.contains(work_location),
            P::JoinTeam {
                participant,
                by_link,
                ..
            } => *by_link && *participant == p.participant,
            P::ReadParticipant { participant, teams } => {
                *participant == p.participant
                    || teams
                        .iter()
                        .any(|t| p.responsible_for_teams.contains_key(t))
            }
            P::ReadTeamSeats {
                team,
                work_location,
            }
            | P::PlaceMember {
                team,
                work_location,
            } => team_scope_allows(p, *team, Some(*work_location)),
            P::ReadTeamMembers { team }
            | P::RemoveTeamMember { team }
            | P::MessageTeam { team } => team_scope_allows(p, *team, None),
            P::ManageLinks { team: Some(team) } => team_scope_allows(p, *team, None),
            P::ReadLocationStaff { work_location } => {
                p.responsible_for_locations.contains(work_location)
            }
            _ => false,
        },
        Actor::Anonymous => matches!(permission, P::ReadMasterData),
        Actor::System { .. } => matches!(
            permission,
            P::RunJob
                | P::ReadMasterData
                | P::ReadOverview
                | P::ManageSeatHolders
                | P::ReadParticipant { .. }
                | P::EditParticipant { .. }
                | P::DeleteParticipant { .. }
                | P::ManageElections
                | P::ManageCommunication
        ),
    };
    if allowed {
        Ok(())
    } else {
        Err(Denied {
            actor: actor.label(),
            permission: permission.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ids<T: Copy + std::fmt::Debug + 'static>(pool: &[T]) -> prop::sample::Select<T> {
        prop::sample::select(pool.to_vec())
    }

    struct World {
        people: Vec<ParticipantId>,
        teams: Vec<TeamId>,
        locations: Vec<WorkLocationId>,
    }

    fn world() -> World {
        World {
            people: (0..3).map(|_| ParticipantId::new()).collect(),
            teams: (0..3).map(|_| TeamId::new()).collect(),
            locations: (0..3).map(|_| WorkLocationId::new()).collect(),
        }
    }

    fn arb_actor(w: &World) -> impl Strategy<Value = Actor> + use<> {
        let person = (
            ids(&w.people),
            prop::collection::btree_map(
                ids(&w.teams),
                prop_oneof![
                    Just(LocationScope::All),
                    prop::collection::btree_set(ids(&w.locations), 0..3)
                        .prop_map(LocationScope::Only)
                ],
                0..3,
            ),
            prop::collection::btree_set(ids(&w.locations), 0..3),
        )
            .prop_map(
                |(participant, responsible_for_teams, responsible_for_locations)| {
                    Actor::Person(PersonActor {
                        participant,
                        responsible_for_teams,
                        responsible_for_locations,
                    })
                },
            );
        prop_oneof![
            Just(Actor::Secretariat {
                user: "a".into(),
                role: StaffRole::Administrator
            }),
            Just(Actor::Secretariat {
                user: "r".into(),
                role: StaffRole::Reader
            }),
            Just(Actor::Anonymous),
            Just(Actor::System { job: "sync".into() }),
            person,
        ]
    }

    fn arb_permission(w: &World) -> impl Strategy<Value = Permission> + use<> {
        let (p, t, l) = (ids(&w.people), ids(&w.teams), ids(&w.locations));
        prop_oneof![
            Just(Permission::ReadMasterData),
            Just(Permission::EditMasterData),
            Just(Permission::ManageElections),
            Just(Permission::DistributeSeats),
            Just(Permission::ReadOverview),
            Just(Permission::ManageSeatHolders),
            Just(Permission::ReadFullCpr),
            Just(Permission::CreateParticipant),
            Just(Permission::ReadAuditLog),
            Just(Permission::ExportLists),
            Just(Permission::ActAsParticipant),
            Just(Permission::ReadInbox),
            Just(Permission::AnswerThreads),
            p.clone()
                .prop_map(|participant| Permission::WriteToSecretariat { participant }),
            p.clone()
                .prop_map(|participant| Permission::ReadThreads { participant }),
            (t.clone(), l.clone()).prop_map(|(team, work_location)| Permission::ReadTeamSeats {
                team,
                work_location
            }),
            (t.clone(), l.clone()).prop_map(|(team, work_location)| Permission::PlaceMember {
                team,
                work_location
            }),
            p.clone()
                .prop_map(|participant| Permission::AnswerOwnSeat { participant }),
            p.clone()
                .prop_map(|participant| Permission::TakeVacantSeat { participant }),
            p.clone()
                .prop_map(|participant| Permission::EditParticipant { participant }),
            p.clone()
                .prop_map(|participant| Permission::DeleteParticipant { participant }),
            (p.clone(), t.clone(), any::<bool>()).prop_map(|(participant, team, by_link)| {
                Permission::JoinTeam {
                    participant,
                    team,
                    by_link,
                }
            }),
            (p.clone(), t.clone())
                .prop_map(|(participant, team)| Permission::LeaveTeam { participant, team }),
            (p.clone(), prop::collection::btree_set(t.clone(), 0..3)).prop_map(
                |(participant, teams)| { Permission::ReadParticipant { participant, teams } }
            ),
            t.clone()
                .prop_map(|team| Permission::ReadTeamMembers { team }),
            t.clone()
                .prop_map(|team| Permission::RemoveTeamMember { team }),
            t.clone().prop_map(|team| Permission::MessageTeam { team }),
            prop::option::of(t).prop_map(|team| Permission::ManageLinks { team }),
            l.clone()
                .prop_map(|work_location| Permission::ReadLocationStaff { work_location }),
            (l.clone(), any::<bool>()).prop_map(|(work_location, chairs)| {
                Permission::RecordAttendance {
                    work_location,
                    chairs,
                }
            }),
            (l, any::<bool>()).prop_map(|(work_location, chairs)| {
                Permission::ReadAttendance {
                    work_location,
                    chairs,
                }
            }),
            Just(Permission::ReadReserves),
            p.clone()
                .prop_map(|participant| Permission::SignUpReserve { participant }),
            p.clone()
                .prop_map(|participant| Permission::TakeOfferedSeat { participant }),
            Just(Permission::ReadNotes),
            Just(Permission::WriteNotes),
            prop::sample::select(vec!["a", "r", "sync", "other"]).prop_map(|author| {
                Permission::ChangeNote {
                    author: author.into(),
                }
            }),
        ]
    }

    /// The scope a person has, written independently of [`authorize`]: the set of teams,
    /// (team, location) pairs and locations they may touch.
    fn within_person_scope(p: &PersonActor, perm: &Permission) -> bool {
        let in_team = |team: &TeamId, loc: Option<&WorkLocationId>| {
            p.responsible_for_teams.iter().any(|(t, scope)| {
                t == team
                    && loc.is_none_or(|l| match scope {
                        LocationScope::All => true,
                        LocationScope::Only(set) => set.contains(l),
                    })
            })
        };
        match perm {
            Permission::ReadMasterData | Permission::ActAsParticipant => true,
            Permission::ReadTeamSeats {
                team,
                work_location,
            }
            | Permission::PlaceMember {
                team,
                work_location,
            } => in_team(team, Some(work_location)),
            Permission::ReadTeamMembers { team }
            | Permission::RemoveTeamMember { team }
            | Permission::MessageTeam { team }
            | Permission::ManageLinks { team: Some(team) } => in_team(team, None),
            Permission::AnswerOwnSeat { participant }
            | Permission::TakeVacantSeat { participant }
            | Permission::EditParticipant { participant }
            | Permission::DeleteParticipant { participant }
            | Permission::WriteToSecretariat { participant }
            | Permission::ReadThreads { participant }
            | Permission::LeaveTeam { participant, .. }
            | Permission::SignUpReserve { participant }
            | Permission::TakeOfferedSeat { participant } => *participant == p.participant,
            // A station on election day: its responsible, or whoever chairs it that day.
            Permission::RecordAttendance {
                work_location,
                chairs,
            }
            | Permission::ReadAttendance {
                work_location,
                chairs,
            } => *chairs || p.responsible_for_locations.contains(work_location),
            // Joining a team takes its link: never by editing one's own profile.
            Permission::JoinTeam {
                participant,
                by_link,
                ..
            } => *by_link && *participant == p.participant,
            Permission::ReadParticipant { participant, teams } => {
                *participant == p.participant || teams.iter().any(|t| in_team(t, None))
            }
            Permission::ReadLocationStaff { work_location } => {
                p.responsible_for_locations.contains(work_location)
            }
            _ => false,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn nothing_is_allowed_outside_the_actors_scope(
            (actor, perm) in { let w = world(); (arb_actor(&w), arb_permission(&w)) }
        ) {
            let allowed = authorize(&actor, &perm).is_ok();
            match &actor {
                Actor::Person(p) => prop_assert_eq!(allowed, within_person_scope(p, &perm)),
                Actor::Anonymous => prop_assert_eq!(allowed, perm == Permission::ReadMasterData),
                Actor::Secretariat { role: StaffRole::Reader, .. } => {
                    let writes = matches!(perm, Permission::EditMasterData | Permission::ManageElections
                        | Permission::DistributeSeats | Permission::ManageSeatHolders | Permission::PlaceMember { .. }
                        | Permission::EditParticipant { .. } | Permission::DeleteParticipant { .. }
                        | Permission::RemoveTeamMember { .. } | Permission::ManageLinks { .. }
                        | Permission::CreateParticipant | Permission::ExportLists | Permission::ReadFullCpr
                        | Permission::JoinTeam { .. } | Permission::LeaveTeam { .. }
                        | Permission::AnswerThreads | Permission::WriteToSecretariat { .. }
                        | Permission::MessageTeam { .. }
                        | Permission::RecordAttendance { .. } | Permission::SignUpReserve { .. }
                        | Permission::TakeOfferedSeat { .. }
                        | Permission::WriteNotes | Permission::ChangeNote { .. });
                    prop_assert!(!(allowed && writes), "a reader may not {:?}", perm);
                }
                _ => {}
            }
            // Notes are the secretariat's: no person, link holder or job reads or writes them,
            // and a note is changed only by the administrator who wrote it.
            let notes = matches!(perm, Permission::ReadNotes | Permission::WriteNotes
                | Permission::ChangeNote { .. });
            if notes && allowed {
                prop_assert!(matches!(actor, Actor::Secretariat { .. }), "{:?} may {:?}", actor, perm);
            }
            if let (Permission::ChangeNote { author }, true) = (&perm, allowed) {
                let by_author = matches!(&actor, Actor::Secretariat { role: StaffRole::Administrator, user } if user == author);
                prop_assert!(by_author, "{:?} changed {}'s note", actor, author);
            }
            // Nobody but the secretariat's administrators sees a full CPR number.
            if perm == Permission::ReadFullCpr && allowed {
                let is_admin = matches!(actor, Actor::Secretariat { role: StaffRole::Administrator, .. });
                prop_assert!(is_admin);
            }
        }
    }

    #[test]
    fn a_party_secretary_never_sees_another_teams_seats() {
        let (mine, theirs, loc) = (TeamId::new(), TeamId::new(), WorkLocationId::new());
        let actor = Actor::Person(PersonActor {
            participant: ParticipantId::new(),
            responsible_for_teams: [(mine, LocationScope::All)].into(),
            responsible_for_locations: BTreeSet::new(),
        });
        assert!(
            authorize(
                &actor,
                &Permission::ReadTeamSeats {
                    team: mine,
                    work_location: loc
                }
            )
            .is_ok()
        );
        let denied = authorize(
            &actor,
            &Permission::ReadTeamSeats {
                team: theirs,
                work_location: loc,
            },
        )
        .unwrap_err();
        assert!(denied.actor.to_string().starts_with("participant:"));
        assert!(authorize(&actor, &Permission::ReadFullCpr).is_err());
        assert!(authorize(&actor, &Permission::ReadOverview).is_err());
    }

    #[test]
    fn a_sub_secretary_is_limited_to_their_locations() {
        let (team, here, there) = (TeamId::new(), WorkLocationId::new(), WorkLocationId::new());
        let actor = Actor::Person(PersonActor {
            participant: ParticipantId::new(),
            responsible_for_teams: [(team, LocationScope::Only([here].into()))].into(),
            responsible_for_locations: BTreeSet::new(),
        });
        assert!(
            authorize(
                &actor,
                &Permission::PlaceMember {
                    team,
                    work_location: here
                }
            )
            .is_ok()
        );
        assert!(
            authorize(
                &actor,
                &Permission::PlaceMember {
                    team,
                    work_location: there
                }
            )
            .is_err()
        );
    }

    #[test]
    fn a_location_responsible_sees_only_their_locations() {
        let (mine, other) = (WorkLocationId::new(), WorkLocationId::new());
        let actor = Actor::Person(PersonActor {
            participant: ParticipantId::new(),
            responsible_for_teams: BTreeMap::new(),
            responsible_for_locations: [mine].into(),
        });
        assert!(
            authorize(
                &actor,
                &Permission::ReadLocationStaff {
                    work_location: mine
                }
            )
            .is_ok()
        );
        assert!(
            authorize(
                &actor,
                &Permission::ReadLocationStaff {
                    work_location: other
                }
            )
            .is_err()
        );
    }

    #[test]
    fn a_person_joins_a_team_only_through_its_link_but_leaves_on_their_own() {
        let (me, team) = (ParticipantId::new(), TeamId::new());
        let actor = Actor::Person(PersonActor {
            participant: me,
            ..Default::default()
        });
        let join = |by_link| Permission::JoinTeam {
            participant: me,
            team,
            by_link,
        };
        assert!(authorize(&actor, &join(false)).is_err());
        assert!(authorize(&actor, &join(true)).is_ok());
        let leave = Permission::LeaveTeam {
            participant: me,
            team,
        };
        assert!(authorize(&actor, &leave).is_ok());
        // Nobody else's membership, not even by link.
        let other = Permission::JoinTeam {
            participant: ParticipantId::new(),
            team,
            by_link: true,
        };
        assert!(authorize(&actor, &other).is_err());
        let admin = Actor::Secretariat {
            user: "a".into(),
            role: StaffRole::Administrator,
        };
        assert!(authorize(&admin, &join(false)).is_ok());
    }

    #[test]
    fn a_person_reads_and_writes_only_their_own_threads_and_never_the_inbox() {
        let (me, other) = (ParticipantId::new(), ParticipantId::new());
        let secretary = Actor::Person(PersonActor {
            participant: me,
            responsible_for_teams: [(TeamId::new(), LocationScope::All)].into(),
            responsible_for_locations: BTreeSet::new(),
        });
        for own in [
            Permission::ReadThreads { participant: me },
            Permission::WriteToSecretariat { participant: me },
        ] {
            assert!(authorize(&secretary, &own).is_ok(), "{own:?}");
        }
        for theirs in [
            Permission::ReadThreads { participant: other },
            Permission::WriteToSecretariat { participant: other },
            Permission::ReadInbox,
            Permission::AnswerThreads,
        ] {
            assert!(authorize(&secretary, &theirs).is_err(), "{theirs:?}");
        }
        let reader = Actor::Secretariat {
            user: "r".into(),
            role: StaffRole::Reader,
        };
        assert!(authorize(&reader, &Permission::ReadInbox).is_ok());
        assert!(authorize(&reader, &Permission::AnswerThreads).is_err());
        let admin = Actor::Secretariat {
            user: "a".into(),
            role: StaffRole::Administrator,
        };
        assert!(authorize(&admin, &Permission::AnswerThreads).is_ok());
        // The secretariat answers; it never writes as if it were the person.
        assert!(authorize(&admin, &Permission::WriteToSecretariat { participant: me }).is_err());
        assert!(authorize(&Actor::Anonymous, &Permission::ReadInbox).is_err());
    }

    #[test]
    fn only_the_secretariat_reads_notes_and_only_administrators_write_them() {
        let admin = Actor::Secretariat {
            user: "birte".into(),
            role: StaffRole::Administrator,
        };
        let reader = Actor::Secretariat {
            user: "lone".into(),
            role: StaffRole::Reader,
        };
        let me = ParticipantId::new();
        let secretary = Actor::Person(PersonActor {
            participant: me,
            responsible_for_teams: [(TeamId::new(), LocationScope::All)].into(),
            responsible_for_locations: [WorkLocationId::new()].into(),
        });
        let own = |author: &str| Permission::ChangeNote {
            author: author.into(),
        };
        assert!(authorize(&admin, &Permission::ReadNotes).is_ok());
        assert!(authorize(&admin, &Permission::WriteNotes).is_ok());
        assert!(authorize(&admin, &own("birte")).is_ok());
        assert!(
            authorize(&admin, &own("lone")).is_err(),
            "a colleague's note"
        );
        assert!(authorize(&reader, &Permission::ReadNotes).is_ok());
        assert!(authorize(&reader, &Permission::WriteNotes).is_err());
        assert!(authorize(&reader, &own("lone")).is_err());
        for actor in [
            secretary,
            Actor::Anonymous,
            Actor::System { job: "sync".into() },
        ] {
            for perm in [Permission::ReadNotes, Permission::WriteNotes, own("sync")] {
                assert!(authorize(&actor, &perm).is_err(), "{actor:?} {perm:?}");
            }
        }
    }

    #[test]
    fn readers_read_but_never_write() {
        let reader = Actor::Secretariat {
            user: "r".into(),
            role: StaffRole::Reader,
        };
        assert!(authorize(&reader, &Permission::ReadOverview).is_ok());
        assert!(authorize(&reader, &Permission::DistributeSeats).is_err());
        assert!(authorize(&reader, &Permission::ReadFullCpr).is_err());
    }
}
