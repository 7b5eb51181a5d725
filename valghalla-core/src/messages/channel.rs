//! Delivery channels and the pure choice of a channel for one participant.
//!
//! The reference system sends on the template's channel only, so a participant exempt from
//! Digital Post never gets the message (domain spec §7.5, §15 item 30). Here the template's
//! channel is tried first and, if the participant cannot receive it, a configured
//! [`FallbackOrder`] is walked. The caller then renders the *same* template for the chosen
//! channel with [`render_as`](super::template::render_as), which applies that channel's
//! escaping rules ([`render_for_participant`](super::template::render_for_participant) does
//! both).

use serde::{Deserialize, Serialize};

use crate::values::DanishMessage;

/// How a message is delivered. Fixed per template; the body of a Digital Post or e-mail template
/// is HTML, the body of an SMS template is plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Channel {
    /// Digital Post (SF1601) to the participant's CPR number. HTML body.
    DigitalPost,
    /// E-mail over SMTP. HTML body.
    Email,
    /// Text message through the SMS gateway. Plain-text body.
    Sms,
}

impl Channel {
    /// Every channel, in the default fallback order.
    pub const ALL: [Channel; 3] = [Channel::DigitalPost, Channel::Email, Channel::Sms];

    /// Whether message bodies on this channel are HTML (Digital Post and e-mail) rather than
    /// plain text (SMS).
    pub const fn is_html(self) -> bool {
        matches!(self, Channel::DigitalPost | Channel::Email)
    }

    /// The code a delivery on this channel is recorded under
    /// ([`DeliveryStatus::Sent`](crate::store::DeliveryStatus::Sent)): `digital_post`,
    /// `email`, `sms`.
    pub const fn code(self) -> &'static str {
        match self {
            Channel::DigitalPost => "digital_post",
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }

    /// The channel recorded under `code` ([`Channel::code`]), if any.
    pub fn from_code(code: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The channel's name in Danish, lower case where Danish writes it so.
    pub const fn name_da(self) -> &'static str {
        match self {
            Channel::DigitalPost => "Digital Post",
            Channel::Email => "e-mail",
            Channel::Sms => "sms",
        }
    }
}

impl std::fmt::Display for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Channel::DigitalPost => "Digital Post",
            Channel::Email => "e-mail",
            Channel::Sms => "SMS",
        })
    }
}

/// Which channels a participant can be reached on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Reachability {
    /// The participant is exempt from Digital Post (*fritaget for Digital Post*).
    pub exempt_from_digital_post: bool,
    /// The participant has an e-mail address on file.
    pub has_email: bool,
    /// The participant has a mobile number on file.
    pub has_mobile: bool,
}

impl Reachability {
    /// Whether the participant can receive messages on `channel`.
    pub const fn can_receive(&self, channel: Channel) -> bool {
        match channel {
            Channel::DigitalPost => !self.exempt_from_digital_post,
            Channel::Email => self.has_email,
            Channel::Sms => self.has_mobile,
        }
    }
}

/// The channels to try, in order, when a participant cannot receive a template's own channel.
///
/// Each channel appears at most once. The order may be empty, which means "no fallback" (the
/// reference system's behaviour). The default is Digital Post → e-mail → SMS.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Vec<Channel>", into = "Vec<Channel>")]
pub struct FallbackOrder(Vec<Channel>);

/// Why a fallback order was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("channel fallback order: {channel} is listed more than once")]
pub struct FallbackOrderError {
    /// The channel that appears twice.
    pub channel: Channel,
}

impl DanishMessage for FallbackOrderError {
    fn message_da(&self) -> String {
        format!(
            "Rækkefølge for kanaler: {} står der mere end én gang",
            self.channel.name_da()
        )
    }
}

impl FallbackOrder {
    /// An order from a list of channels; refuses duplicates.
    pub fn new(channels: Vec<Channel>) -> Result<Self, FallbackOrderError> {
        for (i, channel) in channels.iter().enumerate() {
            if channels[..i].contains(channel) {
                return Err(FallbackOrderError { channel: *channel });
            }
        }
        Ok(FallbackOrder(channels))
    }

    /// No fallback: only the template's own channel is used.
    pub fn none() -> Self {
        FallbackOrder(Vec::new())
    }

    /// The channels in order.
    pub fn channels(&self) -> &[Channel] {
        &self.0
    }
}

impl Default for FallbackOrder {
    fn default() -> Self {
        FallbackOrder(Channel::ALL.to_vec())
    }
}

impl TryFrom<Vec<Channel>> for FallbackOrder {
    type Error = FallbackOrderError;
    fn try_from(channels: Vec<Channel>) -> Result<Self, Self::Error> {
        FallbackOrder::new(channels)
    }
}

impl From<FallbackOrder> for Vec<Channel> {
    fn from(order: FallbackOrder) -> Vec<Channel> {
        order.0
    }
}

/// The channel picked for one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ChannelChoice {
    /// The channel to send on.
    pub channel: Channel,
    /// `true` if this is not the template's own channel (the body must then be rendered with
    /// [`render_as`](super::template::render_as) for `channel`).
    pub is_fallback: bool,
}

/// The participant cannot be reached on the template's channel nor on any fallback channel.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the participant cannot receive {preferred} and none of the fallback channels ({}) is possible: {}",
    list_en(tried),
    why_en(reachability)
)]
pub struct Unreachable {
    /// The template's own channel.
    pub preferred: Channel,
    /// The fallback channels that were tried after it, in order.
    pub tried: Vec<Channel>,
    /// What is known about the participant.
    pub reachability: Reachability,
}

fn list_en(channels: &[Channel]) -> String {
    if channels.is_empty() {
        return "none configured".into();
    }
    channels
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn why_en(r: &Reachability) -> String {
    let mut why = Vec::new();
    if r.exempt_from_digital_post {
        why.push("exempt from Digital Post");
    }
    if !r.has_email {
        why.push("no e-mail address");
    }
    if !r.has_mobile {
        why.push("no mobile number");
    }
    why.join(", ")
}

impl DanishMessage for Unreachable {
    fn message_da(&self) -> String {
        let tried = if self.tried.is_empty() {
            "ingen er sat op".to_owned()
        } else {
            self.tried
                .iter()
                .map(|c| c.name_da())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut why = Vec::new();
        if self.reachability.exempt_from_digital_post {
            why.push("fritaget for Digital Post");
        }
        if !self.reachability.has_email {
            why.push("ingen e-mailadresse");
        }
        if !self.reachability.has_mobile {
            why.push("intet mobilnummer");
        }
        format!(
            "Deltageren kan ikke modtage {} og ingen af de alternative kanaler ({tried}) kan bruges: {}",
            self.preferred.name_da(),
            why.join(", ")
        )
    }
}

/// Picks the channel for a message whose template is on `preferred`: `preferred` itself if the
/// participant can receive it, otherwise the first channel in `order` they can receive.
pub fn choose_channel(
    preferred: Channel,
    reachability: &Reachability,
    order: &FallbackOrder,
) -> Result<ChannelChoice, Unreachable> {
    if reachability.can_receive(preferred) {
        return Ok(ChannelChoice {
            channel: preferred,
            is_fallback: false,
        });
    }
    order
        .channels()
        .iter()
        .copied()
        .find(|&c| c != preferred && reachability.can_receive(c))
        .map(|channel| ChannelChoice {
            channel,
            is_fallback: true,
        })
        .ok_or_else(|| Unreachable {
            preferred,
            tried: order
                .channels()
                .iter()
                .copied()
                .filter(|&c| c != preferred)
                .collect(),
            reachability: *reachability,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reach(exempt: bool, email: bool, mobile: bool) -> Reachability {
        Reachability {
            exempt_from_digital_post: exempt,
            has_email: email,
            has_mobile: mobile,
        }
    }

    #[test]
    fn template_channel_is_used_when_the_participant_can_receive_it() {
        let choice = choose_channel(
            Channel::Sms,
            &reach(false, true, true),
            &FallbackOrder::default(),
        );
        assert_eq!(
            choice,
            Ok(ChannelChoice {
                channel: Channel::Sms,
                is_fallback: false
            })
        );
    }

    #[test]
    fn default_order_falls_back_from_digital_post_to_email_then_sms() {
        let order = FallbackOrder::default();
        let to_email = choose_channel(Channel::DigitalPost, &reach(true, true, true), &order);
        assert_eq!(
            to_email,
            Ok(ChannelChoice {
                channel: Channel::Email,
                is_fallback: true
            })
        );
        let to_sms = choose_channel(Channel::DigitalPost, &reach(true, false, true), &order);
        assert_eq!(
            to_sms,
            Ok(ChannelChoice {
                channel: Channel::Sms,
                is_fallback: true
            })
        );
    }

    #[test]
    fn configured_order_is_respected() {
        let order = FallbackOrder::new(vec![Channel::Sms, Channel::Email]).unwrap();
        let choice = choose_channel(Channel::DigitalPost, &reach(true, true, true), &order);
        assert_eq!(choice.unwrap().channel, Channel::Sms);
    }

    #[test]
    fn unreachable_participant_is_a_typed_error_in_both_languages() {
        let err = choose_channel(
            Channel::DigitalPost,
            &reach(true, false, false),
            &FallbackOrder::default(),
        )
        .unwrap_err();
        assert_eq!(err.tried, vec![Channel::Email, Channel::Sms]);
        assert!(err.to_string().contains("exempt from Digital Post"));
        assert!(err.message_da().contains("fritaget for Digital Post"));
        assert!(err.message_da().contains("intet mobilnummer"));
    }

    #[test]
    fn no_fallback_behaves_like_the_reference_system() {
        let err = choose_channel(
            Channel::DigitalPost,
            &reach(true, true, true),
            &FallbackOrder::none(),
        )
        .unwrap_err();
        assert!(err.tried.is_empty());
        assert!(err.to_string().contains("none configured"));
    }

    #[test]
    fn fallback_order_refuses_duplicates() {
        let err =
            FallbackOrder::new(vec![Channel::Email, Channel::Sms, Channel::Email]).unwrap_err();
        assert_eq!(err.channel, Channel::Email);
        assert!(serde_json::from_str::<FallbackOrder>(r#"["Sms","Sms"]"#).is_err());
        let ok: FallbackOrder = serde_json::from_str(r#"["Sms","Email"]"#).unwrap();
        assert_eq!(ok.channels(), &[Channel::Sms, Channel::Email]);
    }
}
