//! Message templates: the editor with its preview, and the choice per election.

use axum::http::StatusCode;

use super::common::{Browser, Portal, admin, portal};

use valghalla::core::messages::MessageKind;

async fn default_template(
    p: &Portal,
    kind: MessageKind,
) -> valghalla::core::service::TemplateEntry {
    p.svc
        .templates(&admin())
        .await
        .expect("templates")
        .into_iter()
        .find(|t| t.default_for == Some(kind))
        .expect("the default")
}

#[tokio::test]
async fn templates_are_edited_with_a_preview_and_chosen_per_election() {
    let p = portal().await;
    let e = p.ds.election.id;
    let list = format!("/sekretariat/valg/{e}/skabeloner");
    let mut b = Browser::login(&p, "admin").await;
    let r = b.get(&list).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Beskedskabeloner – Folketingsvalg 2026"));
    assert!(r.body.contains("Valgets skabeloner"));
    assert!(
        r.body
            .contains("<label for=\"type-invitation\">Invitation</label>")
    );
    let invitation = default_template(&p, MessageKind::Invitation).await;
    assert!(r.body.contains(invitation.template.title()));
    // The editor shows the saved template for a sample participant.
    let edit = format!("{list}/{}", invitation.id);
    let r = b.get(&edit).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body
            .contains("Eksempel: sådan ser beskeden ud for en deltager")
    );
    assert!(r.body.contains("Agnes Jensen"));
    // A preview of an unsaved text saves nothing.
    let subject = invitation.template.subject().to_owned();
    let r = b
        .post(
            &edit,
            &[
                ("titel", invitation.template.title()),
                ("kanal", "e-mail"),
                ("emne", "Hej !name"),
                (
                    "tekst",
                    "<p>Kære !name, vi mangler dig på !work_location.</p>",
                ),
                ("handling", "vis"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("id=\"eksempel-emne\">Hej Agnes Jensen</p>"));
    assert!(
        r.body
            .contains("Kære Agnes Jensen, vi mangler dig på Korsbæk Skole.")
    );
    // The HTML is shown as source, never as markup.
    assert!(r.body.contains("&#60;p&#62;Kære Agnes Jensen"));
    assert!(!r.body.contains("<p>Kære Agnes Jensen"));
    assert_eq!(
        default_template(&p, MessageKind::Invitation)
            .await
            .template
            .subject(),
        subject
    );
    // An unknown token is refused next to the field; nothing is saved.
    let r = b
        .post(
            &edit,
            &[
                ("titel", invitation.template.title()),
                ("kanal", "e-mail"),
                ("emne", "Hej !nmae"),
                ("tekst", "<p>Hej !name og !adresse</p>"),
                ("handling", "gem"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Der er fejl i formularen"));
    assert!(r.body.contains("href=\"#emne\">Ukendt flettefelt: !nmae."));
    assert!(
        r.body
            .contains("id=\"tekst-fejl\">Ukendt flettefelt: !adresse.")
    );
    assert!(r.body.contains("Hej !nmae"), "what was typed is kept");
    assert_eq!(
        default_template(&p, MessageKind::Invitation)
            .await
            .template
            .subject(),
        subject
    );
    // An empty subject on an e-mail template, too.
    let r = b
        .post(
            &edit,
            &[
                ("titel", invitation.template.title()),
                ("kanal", "e-mail"),
                ("emne", ""),
                ("tekst", "<p>Hej</p>"),
                ("handling", "gem"),
            ],
        )
        .await;
    assert!(
        r.body
            .contains("href=\"#emne\">Skabelonens emne: feltet er tomt")
    );
    // A good edit is saved.
    let r = b
        .post(
            &edit,
            &[
                ("titel", invitation.template.title()),
                ("kanal", "e-mail"),
                ("emne", "Vil du hjælpe til valget, !name?"),
                ("tekst", "<p>Svar her: !invitation</p>"),
                ("handling", "gem"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), edit);
    let saved = default_template(&p, MessageKind::Invitation).await;
    assert_eq!(saved.template.subject(), "Vil du hjælpe til valget, !name?");
    let page = b.get(&edit).await;
    assert!(page.body.contains("Skabelonen er gemt."));
    assert!(
        page.body
            .contains("Vil du hjælpe til valget, Agnes Jensen?")
    );
    // A new SMS template, chosen for the election's group messages.
    let r = b
        .post(
            &format!("{list}/ny"),
            &[
                ("titel", "Kort gruppebesked"),
                ("kanal", "sms"),
                ("emne", ""),
                ("tekst", "Hej !name – husk !election."),
                ("handling", "gem"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let own = p
        .svc
        .templates(&admin())
        .await
        .expect("templates")
        .into_iter()
        .find(|t| t.template.title() == "Kort gruppebesked")
        .expect("saved");
    assert_eq!(r.location(), format!("{list}/{}", own.id));
    let page = b.get(&list).await;
    assert!(page.body.contains("Kort gruppebesked"));
    let own_id = own.id.to_string();
    let r = b
        .post(
            &list,
            &[
                ("type-gruppebesked", own_id.as_str()),
                ("type-invitation", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let chosen = p
        .svc
        .election_templates(&admin(), e)
        .await
        .expect("choices");
    assert_eq!(chosen.per_kind.get(&MessageKind::Group), Some(&own.id));
    assert_eq!(chosen.per_kind.len(), 1);
    let page = b.get(&list).await;
    assert!(page.body.contains("Valgets skabeloner er gemt."));
    assert!(page.body.contains(&format!(
        "<option value=\"{own_id}\" selected>Kort gruppebesked</option>"
    )));
    // A title already in use is refused next to the title.
    let r = b
        .post(
            &format!("{list}/ny"),
            &[
                ("titel", "kort gruppebesked"),
                ("kanal", "sms"),
                ("tekst", "Hej"),
                ("handling", "gem"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(
        "href=\"#titel\">Skabelonens titel: &#39;kort gruppebesked&#39; bruges allerede"
    ));
    // Deleting it puts the election back on the default.
    let r = b
        .post(&format!("{list}/{own_id}/slet"), &[("bekraeft", "ja")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let chosen = p
        .svc
        .election_templates(&admin(), e)
        .await
        .expect("choices");
    assert!(chosen.per_kind.is_empty());
}

#[tokio::test]
async fn only_secretariat_administrators_may_manage_templates() {
    let p = portal().await;
    let e = p.ds.election.id;
    let invitation = default_template(&p, MessageKind::Invitation).await;
    let list = format!("/sekretariat/valg/{e}/skabeloner");
    let edit = format!("{list}/{}", invitation.id);
    let form = [
        ("titel", "Overtaget"),
        ("kanal", "sms"),
        ("tekst", "Klik her"),
        ("handling", "gem"),
    ];
    let mut anon = Browser::new(&p);
    for page in [&list, &edit] {
        let r = anon.get(page).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{page}");
        assert!(r.location().starts_with("/login?next="));
    }
    for who in ["laeser", "partisekretaer", "borger1"] {
        let mut b = Browser::login(&p, who).await;
        for page in [&list, &edit, &format!("{list}/ny")] {
            assert_eq!(
                b.get(page).await.status,
                StatusCode::FORBIDDEN,
                "{who} {page}"
            );
        }
        assert_eq!(
            b.post(&edit, &form).await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
        let r = b.post(&list, &[("type-invitation", "")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
    }
    let mut a = Browser::login(&p, "admin").await;
    a.get(&edit).await;
    let r = a.post_raw(&edit, &form).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "no CSRF token");
    let r = a
        .post_raw(&format!("{edit}/nulstil"), &[("csrf", "forkert")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "a wrong CSRF token");
    assert_eq!(
        default_template(&p, MessageKind::Invitation).await.template,
        invitation.template,
        "nothing changed"
    );
}
