//! The default Danish templates, one per [`MessageKind`], all on Digital Post.
//!
//! They mirror the reference system's seeded templates (domain spec §7.1) and add one for group
//! messages. Each has a fixed [`TemplateId`] ([`default_template_id`]) so stores and elections
//! can refer to them; a [`TemplateLibrary`](super::library::TemplateLibrary) lets the secretariat
//! edit them but never delete them.

use uuid::Uuid;

use super::MessageKind;
use super::channel::Channel;
use super::template::Template;
use crate::ids::TemplateId;

/// The built-in texts of one default template.
struct DefaultText {
    title: &'static str,
    subject: &'static str,
    body: &'static str,
}

fn text(kind: MessageKind) -> DefaultText {
    match kind {
        MessageKind::Invitation => DefaultText {
            title: "Invitation (standard)",
            subject: "Invitation til at være !task_type ved !election",
            body: "<p>Kære !name</p>\n\
                <p>!municipality inviterer dig til at være !task_type ved !election.</p>\n\
                <p>Sted: !work_location, !work_location_address<br>\n\
                Dato: !task_date<br>\n\
                Tidspunkt: kl. !task_start-!task_end</p>\n\
                <div>!task_type_description</div>\n\
                <p>Se opgaven, og svar ja eller nej til invitationen her: !invitation</p>\n\
                <p>Har du spørgsmål, er du velkommen til at kontakte os: !contact</p>\n\
                <p>Venlig hilsen<br>\n!municipality</p>",
        },
        MessageKind::InvitationReminder => DefaultText {
            title: "Påmindelse om invitation (standard)",
            subject: "Påmindelse: Du har ikke svaret på invitationen til !election",
            body: "<p>Kære !name</p>\n\
                <p>Vi har endnu ikke fået dit svar på invitationen til at være !task_type ved \
                !election på !work_location den !task_date. Der er nu !days dag(e) til valget.</p>\n\
                <p>Svar ja eller nej til invitationen her: !invitation</p>\n\
                <p>Har du spørgsmål, er du velkommen til at kontakte os: !contact</p>\n\
                <p>Venlig hilsen<br>\n!municipality</p>",
        },
        MessageKind::Registration => DefaultText {
            title: "Bekræftelse af tilmelding (standard)",
            subject: "Tak for din tilmelding til !election",
            body: "<p>Kære !name</p>\n\
                <p>Tak, fordi du vil være !task_type ved !election. Du er nu tilmeldt opgaven.</p>\n\
                <p>Sted: !work_location, !work_location_address<br>\n\
                Dato: !task_date<br>\n\
                Mødetid: kl. !task_start. Opgaven slutter ca. kl. !task_end.</p>\n\
                <div>!task_type_description</div>\n\
                <p>Du kan se din opgave på !external_web. Bliver du forhindret, så meld fra \
                dér eller kontakt os: !contact</p>\n\
                <p>Venlig hilsen<br>\n!municipality</p>",
        },
        MessageKind::Cancellation => DefaultText {
            title: "Bekræftelse af afmelding (standard)",
            subject: "Bekræftelse af din afmelding fra !election",
            body: "<p>Kære !name</p>\n\
                <p>Vi bekræfter, at du ikke skal være !task_type ved !election på \
                !work_location den !task_date.</p>\n\
                <p>Tak for din interesse. Du er altid velkommen til at melde dig igen på \
                !external_web.</p>\n\
                <p>Venlig hilsen<br>\n!municipality</p>",
        },
        MessageKind::InvitationRetracted => DefaultText {
            title: "Invitation trukket tilbage (standard)",
            subject: "Din invitation til !election er trukket tilbage",
            body: "<p>Kære !name</p>\n\
                <p>Invitationen til at være !task_type ved !election på !work_location den \
                !task_date er trukket tilbage. Du skal derfor ikke svare på den.</p>\n\
                <p>Har du spørgsmål, er du velkommen til at kontakte os: !contact</p>\n\
                <p>Venlig hilsen<br>\n!municipality</p>",
        },
        MessageKind::RemovedFromTask => DefaultText {
            title: "Fjernet fra opgave (standard)",
            subject: "Du er fjernet fra din opgave ved !election",
            body: "<p>Kære !name</p>\n\
                <p>Du er ikke længere tilmeldt som !task_type ved !election på !work_location \
                den !task_date.</p>\n\
                <p>Har du spørgsmål, er du velkommen til at kontakte os: !contact</p>\n\
                <p>Venlig hilsen<br>\n!municipality</p>",
        },
        MessageKind::RemovedByValidation => DefaultText {
            title: "Fjernet efter nye CPR-oplysninger (standard)",
            subject: "Du er fjernet fra din opgave ved !election",
            body: "<p>Kære !name</p>\n\
                <p>Vi har fået nye oplysninger fra CPR-registeret, som betyder, at du ikke \
                længere opfylder betingelserne for at være !task_type ved !election. Du er \
                derfor fjernet fra opgaven på !work_location den !task_date.</p>\n\
                <p>Mener du, at det er en fejl, er du velkommen til at kontakte os: !contact</p>\n\
                <p>Venlig hilsen<br>\n!municipality</p>",
        },
        MessageKind::TaskReminder => DefaultText {
            title: "Påmindelse om opgave (standard)",
            subject: "Påmindelse: Du er !task_type ved !election den !task_date",
            body: "<p>Kære !name</p>\n\
                <p>Vi glæder os til at se dig som !task_type ved !election.</p>\n\
                <p>Sted: !work_location, !work_location_address<br>\n\
                Dato: !task_date<br>\n\
                Mødetid: kl. !task_start. Opgaven slutter ca. kl. !task_end.</p>\n\
                <div>!task_type_description</div>\n\
                <p>Kan du alligevel ikke komme, så giv os besked hurtigst muligt: !contact</p>\n\
                <p>Venlig hilsen<br>\n!municipality</p>",
        },
        MessageKind::Group => DefaultText {
            title: "Gruppebesked (standard)",
            subject: "Besked om !election",
            body: "<p>Kære !name</p>\n\
                <p>[Skriv beskeden her.]</p>\n\
                <p>Venlig hilsen<br>\n!municipality</p>",
        },
        MessageKind::SeatOffered => DefaultText {
            title: "Tilbud til reserve (standard)",
            subject: "Kan du tage en plads som !task_type i dag?",
            body: "<p>Kære !name</p>\n\
                <p>Du er reserve ved !election. En plads som !task_type på !work_location, \
                !work_location_address, er ledig i dag, !task_date, kl. !task_start-!task_end.</p>\n\
                <p>Den første, der tager pladsen, får den. Tag den her: !invitation</p>\n\
                <p>Har du spørgsmål, er du velkommen til at kontakte os: !contact</p>\n\
                <p>Venlig hilsen<br>\n!municipality</p>",
        },
        MessageKind::OfferFilled => DefaultText {
            title: "Pladsen er besat (standard)",
            subject: "Pladsen som !task_type er besat",
            body: "<p>Kære !name</p>\n\
                <p>Pladsen som !task_type på !work_location i dag, !task_date, er taget af en \
                anden reserve. Tak, fordi du står til rådighed.</p>\n\
                <p>Venlig hilsen<br>\n!municipality</p>",
        },
    }
}

/// The built-in default template for `kind` (Danish, Digital Post).
pub fn default_template(kind: MessageKind) -> Template {
    let t = text(kind);
    Template::builtin(t.title, Channel::DigitalPost, t.subject, t.body)
}

/// The fixed id of the default template for `kind`, the same in every installation.
pub const fn default_template_id(kind: MessageKind) -> TemplateId {
    let n: u128 = match kind {
        MessageKind::Invitation => 1,
        MessageKind::InvitationReminder => 2,
        MessageKind::Registration => 3,
        MessageKind::Cancellation => 4,
        MessageKind::InvitationRetracted => 5,
        MessageKind::RemovedFromTask => 6,
        MessageKind::RemovedByValidation => 7,
        MessageKind::TaskReminder => 8,
        MessageKind::Group => 9,
        MessageKind::SeatOffered => 10,
        MessageKind::OfferFilled => 11,
    };
    // A fixed prefix followed by the number; these ids never collide with random v4 ids
    // in practice and read as `7a194a11-a000-4000-8000-00000000000N`.
    TemplateId::from_uuid(Uuid::from_u128(
        0x7a19_4a11_a000_4000_8000_0000_0000_0000 | n,
    ))
}

/// The kind whose default template has the id `id`, if it is one.
pub(crate) fn default_kind_of(id: TemplateId) -> Option<MessageKind> {
    MessageKind::ALL
        .into_iter()
        .find(|&k| default_template_id(k) == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::template::{Token, preview, render_as};

    #[test]
    fn every_default_template_parses_without_unknown_tokens() {
        for kind in MessageKind::ALL {
            let t = text(kind);
            let parsed = Template::parse(t.title, Channel::DigitalPost, t.subject, t.body);
            assert!(parsed.is_ok(), "{kind:?}: {parsed:?}");
            assert_eq!(parsed.unwrap(), default_template(kind));
        }
    }

    #[test]
    fn defaults_render_with_sample_values_without_leftover_tokens() {
        for kind in MessageKind::ALL {
            let template = default_template(kind);
            for channel in Channel::ALL {
                let sample = crate::messages::template::TokenValues::sample();
                let msg = render_as(&template, &sample, channel);
                for token in Token::ALL {
                    let written = token.to_string();
                    assert!(
                        !msg.subject.contains(&written),
                        "{kind:?} subject {channel}: {written}"
                    );
                    assert!(
                        !msg.body.contains(&written),
                        "{kind:?} body {channel}: {written}"
                    );
                }
                assert!(msg.body.contains("Agnes Jensen"), "{kind:?}");
                assert!(msg.body.contains("Korsbæk Kommune"), "{kind:?}");
            }
        }
    }

    #[test]
    fn defaults_use_the_tokens_their_kind_needs() {
        assert!(default_template(MessageKind::Invitation).uses(Token::Invitation));
        assert!(default_template(MessageKind::InvitationReminder).uses(Token::Invitation));
        assert!(default_template(MessageKind::InvitationReminder).uses(Token::Days));
        assert!(default_template(MessageKind::TaskReminder).uses(Token::TaskStart));
    }

    #[test]
    fn defaults_are_digital_post_with_distinct_titles_and_ids() {
        let mut titles = std::collections::BTreeSet::new();
        let mut ids = std::collections::BTreeSet::new();
        for kind in MessageKind::ALL {
            let t = default_template(kind);
            assert_eq!(t.channel(), Channel::DigitalPost);
            assert!(titles.insert(t.title().to_lowercase()));
            assert!(ids.insert(default_template_id(kind)));
            assert_eq!(default_kind_of(default_template_id(kind)), Some(kind));
        }
        assert_eq!(default_kind_of(TemplateId::new()), None);
    }

    #[test]
    fn invitation_preview_reads_as_a_danish_letter() {
        let msg = preview(&default_template(MessageKind::Invitation));
        assert_eq!(
            msg.subject,
            "Invitation til at være Tilforordnet ved Folketingsvalg 2026"
        );
        assert!(msg.body.contains("<p>Kære Agnes Jensen</p>"));
        assert!(msg.body.contains(
            "<a href=\"https://valg.korsbaek.dk/opgaver/invitation/3f2a9c1e/7d41e0b2\">"
        ));
        assert!(msg.body.contains("kl. 07:30-22:00"));
    }
}
