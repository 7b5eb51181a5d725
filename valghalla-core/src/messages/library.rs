//! A municipality's templates and the choice of template for an automatic message.
//!
//! Resolution (domain spec §7.2) goes: the election's per-task-type override for the kind, then
//! the election's template for the kind, then — unlike the reference system, which failed the
//! send — the default template for the kind. Default templates can be edited but not deleted, so
//! the last step always finds a template.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::MessageKind;
use super::defaults::{default_kind_of, default_template, default_template_id};
use super::template::Template;
use crate::ids::{TaskTypeId, TemplateId};
use crate::values::DanishMessage;

/// Why a change to the template library was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LibraryError {
    /// No template has this id.
    #[error("template {id}: there is no such template")]
    NotFound {
        /// The id asked for.
        id: TemplateId,
    },
    /// Default templates can be edited but not deleted.
    #[error(
        "template '{title}' is the default template for {kind:?} messages; it can be edited but not deleted"
    )]
    DefaultCannotBeDeleted {
        /// The default's id.
        id: TemplateId,
        /// The kind it is the default for.
        kind: MessageKind,
        /// Its current title.
        title: String,
    },
    /// Another template already has this title (titles are compared case-insensitively).
    #[error("template title: '{title}' is already used by another template")]
    DuplicateTitle {
        /// The title.
        title: String,
    },
    /// The id is already used (only [`TemplateLibrary::insert`]).
    #[error("template {id}: the id is already used")]
    DuplicateId {
        /// The id.
        id: TemplateId,
    },
}

impl DanishMessage for LibraryError {
    fn message_da(&self) -> String {
        match self {
            LibraryError::NotFound { id } => format!("Skabelon {id}: skabelonen findes ikke"),
            LibraryError::DefaultCannotBeDeleted { title, .. } => format!(
                "Skabelonen '{title}' er en standardskabelon; den kan redigeres, men ikke slettes"
            ),
            LibraryError::DuplicateTitle { title } => {
                format!("Skabelonens titel: '{title}' bruges allerede af en anden skabelon")
            }
            LibraryError::DuplicateId { id } => format!("Skabelon {id}: id'et er allerede i brug"),
        }
    }
}

/// A municipality's message templates: the defaults (one per [`MessageKind`], fixed ids from
/// [`default_template_id`]) and the secretariat's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateLibrary {
    /// Every template by id; always holds the default for every kind.
    templates: BTreeMap<TemplateId, Template>,
    /// The defaults in [`MessageKind::ALL`] order, kept in step with `templates` so resolution
    /// never needs a fallible lookup.
    defaults: [Template; 11],
}

impl Default for TemplateLibrary {
    fn default() -> Self {
        TemplateLibrary::with_defaults()
    }
}

const fn kind_index(kind: MessageKind) -> usize {
    match kind {
        MessageKind::Invitation => 0,
        MessageKind::InvitationReminder => 1,
        MessageKind::Registration => 2,
        MessageKind::Cancellation => 3,
        MessageKind::InvitationRetracted => 4,
        MessageKind::RemovedFromTask => 5,
        MessageKind::RemovedByValidation => 6,
        MessageKind::TaskReminder => 7,
        MessageKind::Group => 8,
        MessageKind::SeatOffered => 9,
        MessageKind::OfferFilled => 10,
    }
}

impl TemplateLibrary {
    /// A library holding just the built-in default templates.
    pub fn with_defaults() -> Self {
        let defaults = MessageKind::ALL.map(default_template);
        let templates = MessageKind::ALL
            .into_iter()
            .map(|k| (default_template_id(k), default_template(k)))
            .collect();
        TemplateLibrary {
            templates,
            defaults,
        }
    }

    /// The template with id `id`.
    pub fn get(&self, id: TemplateId) -> Option<&Template> {
        self.templates.get(&id)
    }

    /// Every template with its id, in id order.
    pub fn iter(&self) -> impl Iterator<Item = (TemplateId, &Template)> {
        self.templates.iter().map(|(id, t)| (*id, t))
    }

    /// The (possibly edited) default template for `kind`.
    pub fn default_for(&self, kind: MessageKind) -> &Template {
        &self.defaults[kind_index(kind)]
    }

    /// The kind `id` is the default template for, or `None` for the secretariat's own templates.
    pub fn is_default(&self, id: TemplateId) -> Option<MessageKind> {
        default_kind_of(id)
    }

    fn check_title(&self, title: &str, except: Option<TemplateId>) -> Result<(), LibraryError> {
        let wanted = title.to_lowercase();
        let clash = self
            .templates
            .iter()
            .any(|(id, t)| Some(*id) != except && t.title().to_lowercase() == wanted);
        if clash {
            return Err(LibraryError::DuplicateTitle {
                title: title.to_owned(),
            });
        }
        Ok(())
    }

    /// Adds a new template under `id` (the caller mints ids, e.g. [`TemplateId::new`]).
    pub fn insert(&mut self, id: TemplateId, template: Template) -> Result<(), LibraryError> {
        if self.templates.contains_key(&id) {
            return Err(LibraryError::DuplicateId { id });
        }
        self.check_title(template.title(), None)?;
        self.templates.insert(id, template);
        Ok(())
    }

    /// Replaces the template `id`; default templates may be edited too.
    pub fn update(&mut self, id: TemplateId, template: Template) -> Result<(), LibraryError> {
        if !self.templates.contains_key(&id) {
            return Err(LibraryError::NotFound { id });
        }
        self.check_title(template.title(), Some(id))?;
        if let Some(kind) = default_kind_of(id) {
            self.defaults[kind_index(kind)] = template.clone();
        }
        self.templates.insert(id, template);
        Ok(())
    }

    /// Puts the built-in text back into the default template for `kind`.
    pub fn reset_default(&mut self, kind: MessageKind) -> Result<(), LibraryError> {
        self.update(default_template_id(kind), default_template(kind))
    }

    /// Deletes the template `id` and returns it. Default templates cannot be deleted.
    ///
    /// Elections that referred to it keep a dangling id; [`TemplateLibrary::resolve`] skips
    /// such ids (the reference system nulled the references), and
    /// [`ElectionTemplates::forget`] removes them.
    pub fn delete(&mut self, id: TemplateId) -> Result<Template, LibraryError> {
        if let Some(kind) = default_kind_of(id) {
            return Err(LibraryError::DefaultCannotBeDeleted {
                id,
                kind,
                title: self.default_for(kind).title().to_owned(),
            });
        }
        self.templates
            .remove(&id)
            .ok_or(LibraryError::NotFound { id })
    }

    /// The template for a message of `kind`: `task_type_override` if it names a template in the
    /// library, else `election_choice` if it does, else the default for `kind`.
    pub fn resolve(
        &self,
        kind: MessageKind,
        election_choice: Option<TemplateId>,
        task_type_override: Option<TemplateId>,
    ) -> &Template {
        task_type_override
            .and_then(|id| self.get(id))
            .or_else(|| election_choice.and_then(|id| self.get(id)))
            .unwrap_or_else(|| self.default_for(kind))
    }

    /// [`TemplateLibrary::resolve`] with the choices an election made, for a seat of
    /// `task_type`.
    pub fn resolve_for(
        &self,
        kind: MessageKind,
        election: &ElectionTemplates,
        task_type: Option<TaskTypeId>,
    ) -> &Template {
        let (election_choice, task_type_override) = election.choice(kind, task_type);
        self.resolve(kind, election_choice, task_type_override)
    }
}

/// The templates an election chose: one per kind (optional; the default applies otherwise) and
/// per-task-type overrides.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ElectionTemplates {
    /// The election's template per kind.
    pub per_kind: BTreeMap<MessageKind, TemplateId>,
    /// Overrides for seats of a task type, per kind.
    pub per_task_type: BTreeMap<TaskTypeId, BTreeMap<MessageKind, TemplateId>>,
}

impl ElectionTemplates {
    /// The election-level choice and the task-type override for `kind`, as ids.
    pub fn choice(
        &self,
        kind: MessageKind,
        task_type: Option<TaskTypeId>,
    ) -> (Option<TemplateId>, Option<TemplateId>) {
        let over = task_type
            .and_then(|tt| self.per_task_type.get(&tt))
            .and_then(|m| m.get(&kind))
            .copied();
        (self.per_kind.get(&kind).copied(), over)
    }

    /// Removes every reference to the template `id` (after it was deleted).
    pub fn forget(&mut self, id: TemplateId) {
        self.per_kind.retain(|_, t| *t != id);
        for m in self.per_task_type.values_mut() {
            m.retain(|_, t| *t != id);
        }
        self.per_task_type.retain(|_, m| !m.is_empty());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::channel::Channel;

    fn custom(title: &str) -> Template {
        Template::parse(title, Channel::Email, "Hej !name", "<p>Hej !name</p>").unwrap()
    }

    #[test]
    fn deleting_a_default_is_a_typed_error_but_editing_it_works() {
        let mut lib = TemplateLibrary::with_defaults();
        let id = default_template_id(MessageKind::Invitation);
        let err = lib.delete(id).unwrap_err();
        assert!(matches!(
            err,
            LibraryError::DefaultCannotBeDeleted {
                kind: MessageKind::Invitation,
                ..
            }
        ));
        assert!(err.message_da().contains("kan redigeres, men ikke slettes"));
        lib.update(id, custom("Min invitation")).unwrap();
        assert_eq!(
            lib.default_for(MessageKind::Invitation).title(),
            "Min invitation"
        );
        assert_eq!(
            lib.resolve(MessageKind::Invitation, None, None).title(),
            "Min invitation"
        );
        lib.reset_default(MessageKind::Invitation).unwrap();
        assert_eq!(
            lib.default_for(MessageKind::Invitation),
            &default_template(MessageKind::Invitation)
        );
    }

    #[test]
    fn resolution_prefers_task_type_override_then_election_then_default() {
        let mut lib = TemplateLibrary::with_defaults();
        let (a, b) = (TemplateId::new(), TemplateId::new());
        lib.insert(a, custom("Valgets invitation")).unwrap();
        lib.insert(b, custom("Invitation til valgstyrere")).unwrap();
        let kind = MessageKind::Invitation;
        assert_eq!(
            lib.resolve(kind, Some(a), Some(b)).title(),
            "Invitation til valgstyrere"
        );
        assert_eq!(
            lib.resolve(kind, Some(a), None).title(),
            "Valgets invitation"
        );
        assert_eq!(lib.resolve(kind, None, None), &default_template(kind));

        let task_type = TaskTypeId::new();
        let mut election = ElectionTemplates::default();
        election.per_kind.insert(kind, a);
        election
            .per_task_type
            .entry(task_type)
            .or_default()
            .insert(kind, b);
        assert_eq!(
            lib.resolve_for(kind, &election, Some(task_type)).title(),
            "Invitation til valgstyrere"
        );
        assert_eq!(
            lib.resolve_for(kind, &election, Some(TaskTypeId::new()))
                .title(),
            "Valgets invitation"
        );
        assert_eq!(
            lib.resolve_for(MessageKind::TaskReminder, &election, Some(task_type)),
            &default_template(MessageKind::TaskReminder)
        );
    }

    #[test]
    fn deleted_templates_fall_back_and_can_be_forgotten() {
        let mut lib = TemplateLibrary::with_defaults();
        let a = TemplateId::new();
        lib.insert(a, custom("Midlertidig")).unwrap();
        let mut election = ElectionTemplates::default();
        election.per_kind.insert(MessageKind::Group, a);
        assert_eq!(lib.delete(a).unwrap().title(), "Midlertidig");
        assert_eq!(
            lib.resolve_for(MessageKind::Group, &election, None),
            &default_template(MessageKind::Group)
        );
        election.forget(a);
        assert!(election.per_kind.is_empty());
        assert_eq!(lib.delete(a), Err(LibraryError::NotFound { id: a }));
    }

    #[test]
    fn titles_are_unique_case_insensitively() {
        let mut lib = TemplateLibrary::with_defaults();
        let err = lib
            .insert(TemplateId::new(), custom("INVITATION (STANDARD)"))
            .unwrap_err();
        assert!(matches!(err, LibraryError::DuplicateTitle { .. }));
        let id = TemplateId::new();
        lib.insert(id, custom("Egen")).unwrap();
        lib.update(id, custom("egen")).unwrap();
        assert_eq!(
            lib.insert(id, custom("Andet")),
            Err(LibraryError::DuplicateId { id })
        );
    }
}
