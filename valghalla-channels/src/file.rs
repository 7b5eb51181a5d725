//! A channel for development that writes each message to a folder.

use std::io::Write;
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use valghalla_core::messages::{Channel, MessageSender, Outgoing, Receipt, Recipient, SendError};

/// Writes every message it is given to `folder` as `<idempotency key>.<channel>.eml` (a
/// message a mail program opens), and each attachment beside it as `<idempotency
/// key>.<file name>` (e.g. the task's `opgave.ics`), for development and demos: nothing is
/// delivered.
///
/// The file name holds only the message id, so a retry of the same message overwrites its file
/// rather than adding a second one, and no CPR number ever appears in a file name. The file is
/// written to a temporary name first and renamed, so a reader never sees half a message. A
/// Digital Post recipient is written masked (`DDMMYY-xxxx`).
///
/// It uses blocking file I/O, which is fine for its purpose; do not use it in production.
#[derive(Debug, Clone)]
pub struct FileSender {
    folder: PathBuf,
    channel: Channel,
}

impl FileSender {
    /// A file sender posing as `channel`, writing to `folder` (created if missing).
    pub fn new(folder: impl Into<PathBuf>, channel: Channel) -> std::io::Result<Self> {
        let folder = folder.into();
        std::fs::create_dir_all(&folder)?;
        Ok(FileSender { folder, channel })
    }

    /// The folder it writes to.
    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// The file a message is written to.
    pub fn path_of(&self, msg: &Outgoing) -> PathBuf {
        self.folder.join(format!(
            "{}.{}.eml",
            msg.idempotency_key,
            msg.channel.code()
        ))
    }

    fn contents(msg: &Outgoing) -> String {
        let to = match &msg.recipient {
            Recipient::DigitalPost(cpr) => format!("Digital Post {cpr}"),
            Recipient::Email(e) => format!("{} <{}>", msg.recipient_name, e.as_str()),
            Recipient::Sms(m) => format!("sms {m}"),
        };
        let content_type = if msg.channel.is_html() {
            "text/html"
        } else {
            "text/plain"
        };
        format!(
            "Message-Id: {}\nKind: {:?}\nChannel: {}\nTo: {to}\nSubject: {}\nAttempt: {}\nMIME-Version: 1.0\nContent-Type: {content_type}; charset=utf-8\n\n{}\n",
            msg.idempotency_key, msg.kind, msg.channel, msg.subject, msg.attempt, msg.body
        )
    }
}

#[async_trait]
impl MessageSender for FileSender {
    fn channel(&self) -> Channel {
        self.channel
    }

    async fn send(&self, msg: &Outgoing) -> Result<Receipt, SendError> {
        let path = self.path_of(msg);
        let write = |path: &Path, bytes: &[u8]| -> std::io::Result<()> {
            let tmp = path.with_extension("tmp");
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
            std::fs::rename(&tmp, path)
        };
        let failed = |e: std::io::Error| {
            SendError::Temporary(format!(
                "kunne ikke skrive beskeden til mappen: {}",
                crate::io_text::io_kind_da(e.kind())
            ))
        };
        // Attachments first: a message file never points at a file not yet there.
        for file in &msg.attachments {
            let name: String = file
                .file_name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            let name = name.trim_start_matches('.');
            let beside = self.folder.join(format!("{}.{name}", msg.idempotency_key));
            write(&beside, &file.bytes).map_err(failed)?;
        }
        write(&path, Self::contents(msg).as_bytes()).map_err(failed)?;
        Ok(Receipt {
            provider_reference: Some(path.display().to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use valghalla_core::Cpr;
    use valghalla_core::ids::MessageId;
    use valghalla_core::messages::MessageKind;

    #[tokio::test]
    async fn one_file_per_message_named_by_key_and_no_cpr_in_names_or_text() {
        let dir = tempfile::tempdir().unwrap();
        let sender = FileSender::new(dir.path().join("out"), Channel::DigitalPost).unwrap();
        let cpr = Cpr::parse("0101801234").unwrap();
        let msg = Outgoing {
            idempotency_key: MessageId::new(),
            kind: MessageKind::Invitation,
            channel: Channel::DigitalPost,
            recipient: Recipient::DigitalPost(cpr),
            recipient_name: "Ib Hansen".into(),
            subject: "Invitation".into(),
            body: "<p>Hej</p>".into(),
            attachments: vec![],
            attempt: 1,
        };
        sender.send(&msg).await.unwrap();
        sender
            .send(&Outgoing {
                attachments: vec![],
                attempt: 2,
                ..msg.clone()
            })
            .await
            .unwrap();
        let files: Vec<_> = std::fs::read_dir(sender.folder())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(
            files,
            vec![format!("{}.digital_post.eml", msg.idempotency_key)]
        );
        let text = std::fs::read_to_string(sender.path_of(&msg)).unwrap();
        assert!(text.contains("Attempt: 2"));
        // An attachment lies beside its message.
        sender
            .send(&Outgoing {
                attachments: vec![valghalla_core::messages::Attachment {
                    file_name: "../opgave.ics".into(),
                    content_type: "text/calendar".into(),
                    bytes: b"BEGIN:VCALENDAR".to_vec(),
                }],
                ..msg.clone()
            })
            .await
            .unwrap();
        let beside = sender
            .folder()
            .join(format!("{}._opgave.ics", msg.idempotency_key));
        assert_eq!(std::fs::read(beside).unwrap(), b"BEGIN:VCALENDAR");
        assert!(!text.contains(&cpr.reveal()), "{text}");
        assert!(text.contains("010180-xxxx"), "{text}");
        assert!(!files[0].contains(&cpr.reveal()));
    }
}
