//! The stored form of a municipality's message templates and each election's template choices.
//!
//! Everything lives in one record ([`crate::model::Record::Communication`]), so deleting a
//! template and forgetting it in every election is one atomic write, and the dispatcher reads
//! the whole library with one `get`. Template edits are rare, so the single version that guards
//! the record costs nothing in practice.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::defaults::{default_kind_of, default_template};
use super::library::{ElectionTemplates, TemplateLibrary};
use super::template::Template;
use crate::ids::{ElectionId, TemplateId};

/// A municipality's templates (its own and its edited defaults) and each election's choices.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CommunicationSettings {
    /// The secretariat's own templates and the default templates it edited, by id. A default
    /// that is not here has its built-in text.
    #[serde(default)]
    pub templates: BTreeMap<TemplateId, Template>,
    /// The template choices of each election (absent: the defaults apply).
    #[serde(default)]
    pub elections: BTreeMap<ElectionId, ElectionTemplates>,
}

impl CommunicationSettings {
    /// The template library these settings describe: the built-in defaults, with the stored
    /// edits and the secretariat's own templates on top.
    pub fn library(&self) -> TemplateLibrary {
        let mut library = TemplateLibrary::with_defaults();
        // Defaults first, so an own template never blocks a default's title.
        let (defaults, own): (Vec<_>, Vec<_>) = self
            .templates
            .iter()
            .partition(|(id, _)| default_kind_of(**id).is_some());
        for (id, template) in defaults.into_iter().chain(own) {
            let outcome = if default_kind_of(*id).is_some() {
                library.update(*id, template.clone())
            } else {
                library.insert(*id, template.clone())
            };
            if let Err(e) = outcome {
                tracing::warn!(template = %id, error = %e, "stored template skipped");
            }
        }
        library
    }

    /// Stores `library`: every own template and every default that differs from its built-in
    /// text.
    pub fn set_library(&mut self, library: &TemplateLibrary) {
        self.templates = library
            .iter()
            .filter(|(id, t)| match default_kind_of(*id) {
                Some(kind) => **t != default_template(kind),
                None => true,
            })
            .map(|(id, t)| (id, t.clone()))
            .collect();
    }

    /// The choices of `election` (empty if it made none).
    pub fn election(&self, election: ElectionId) -> ElectionTemplates {
        self.elections.get(&election).cloned().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::TaskTypeId;
    use crate::messages::{Channel, MessageKind, default_template_id};

    #[test]
    fn settings_round_trip_through_json_and_rebuild_the_library() {
        let mut library = TemplateLibrary::with_defaults();
        let own = TemplateId::new();
        library
            .insert(
                own,
                Template::parse("Egen", Channel::Sms, "", "Hej !name").unwrap(),
            )
            .unwrap();
        let inv = default_template_id(MessageKind::Invitation);
        library
            .update(
                inv,
                Template::parse("Invitation", Channel::Email, "Hej", "<p>!invitation</p>").unwrap(),
            )
            .unwrap();
        let mut settings = CommunicationSettings::default();
        settings.set_library(&library);
        assert_eq!(settings.templates.len(), 2);
        let mut choice = ElectionTemplates::default();
        choice.per_kind.insert(MessageKind::Group, own);
        choice
            .per_task_type
            .entry(TaskTypeId::new())
            .or_default()
            .insert(MessageKind::TaskReminder, own);
        let election = ElectionId::new();
        settings.elections.insert(election, choice.clone());
        let json = serde_json::to_string(&settings).unwrap();
        let back: CommunicationSettings = serde_json::from_str(&json).unwrap();
        assert_eq!(back, settings);
        assert_eq!(back.library(), library);
        assert_eq!(back.election(election), choice);
        assert_eq!(
            back.election(ElectionId::new()),
            ElectionTemplates::default()
        );
    }
}
