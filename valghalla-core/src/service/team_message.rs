//! A party secretary writes to every member of their team ("Skriv til jeres medlemmer"): one
//! message per member on the channel of group messages, the text escaped so that nothing in it
//! is markup or a template token. Limited to the team: the access policy's `MessageTeam`.

use crate::ids::{MessageId, TeamId};
use crate::messages::template::escape_html;
use crate::messages::{MessageKind, Template};
use crate::model::AuditEvent;
use crate::model::{AuditAction, Participant, RecordKey, Team, parse_post, parse_subject};
use crate::rules::MessageIntent;
use crate::rules::access::{Actor, Permission};
use crate::store::{ChangeSet, DeliveryStatus, OutboxMessage, Query};

use super::tx::Tx;
use super::{Result, Valghalla};

impl Valghalla {
    /// Sends `subject` and `text` to every member of `team` (its secretaries or the
    /// secretariat may). Returns the messages' ids, one per member.
    pub async fn message_team(
        &self,
        actor: &Actor,
        team: TeamId,
        subject: &str,
        text: &str,
    ) -> Result<Vec<MessageId>> {
        self.authorize(actor, Permission::MessageTeam { team })?;
        let subject = parse_subject(subject)?;
        let text = parse_post(text)?;
        let ctx = self.ctx(actor);
        let mut tx = Tx::new(self);
        let team_record = tx.get::<Team>(team).await?;
        let members = tx.query::<Participant>(&Query::MembersOfTeam(team)).await?;
        let channel = tx
            .communication()
            .await?
            .library()
            .resolve_for(MessageKind::Group, &Default::default(), None)
            .channel();
        let safe = |s: &str| escape_html(s).replace('!', "&#33;");
        let team_name = team_record.name.to_string();
        let title = format!("Besked fra {}", team_name.replace('!', ""));
        let body = if channel.is_html() {
            format!(
                "<p>Kære !name</p><p><strong>{}</strong></p><blockquote>{}</blockquote>\
                 <p>Med venlig hilsen {}</p>",
                safe(&subject),
                safe(&text).replace('\n', "<br>"),
                safe(&team_name)
            )
        } else {
            format!("{}: {}", team_name.replace('!', ""), text.replace('!', ""))
        };
        Template::parse("Besked til partiet", channel, &title, &body)?;
        let mut messages = Vec::with_capacity(members.len());
        for m in &members {
            let intent = MessageIntent {
                kind: MessageKind::Group,
                participant: m.id,
                seat: None,
                custom: None,
            };
            let (facts, _) = tx.message_facts(&intent).await?;
            messages.push(OutboxMessage {
                id: MessageId::new(),
                kind: MessageKind::Group,
                participant: m.id,
                election: None,
                seat: None,
                facts,
                custom: Some((title.clone(), body.clone())),
                calendar: None,
                created_at: ctx.now,
                status: DeliveryStatus::Pending,
                attempts: 0,
                next_attempt_at: ctx.now,
                last_error: None,
            });
        }
        let ids = messages.iter().map(|m| m.id).collect();
        let audit = ctx.audit(
            AuditAction::Create,
            RecordKey::Team(team),
            None,
            None,
            AuditEvent::TeamMessage {
                recipients: messages.len(),
            },
        );
        self.store
            .apply(ChangeSet {
                changes: vec![],
                audit: vec![audit],
                messages,
            })
            .await?;
        Ok(ids)
    }
}
