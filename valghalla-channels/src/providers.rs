//! What a municipality's Digital Post and SMS integrations must do.
//!
//! Both are implementations of [`MessageSender`](valghalla_core::messages::MessageSender) that
//! a host writes against its provider's contract and registers with
//! [`Dispatcher::with_sender`](valghalla_core::service::Dispatcher::with_sender). This crate
//! ships none: the providers differ per municipality and need credentials and certificates.
//!
//! # Digital Post (SF1601 "kombi" via Serviceplatformen)
//!
//! * [`channel`](valghalla_core::messages::MessageSender::channel) returns
//!   [`Channel::DigitalPost`](valghalla_core::messages::Channel::DigitalPost).
//! * The recipient is [`Recipient::DigitalPost`](valghalla_core::messages::Recipient) with the
//!   participant's CPR number; use it only to address the message inside `send`. Never log it,
//!   never put it in an error reason or a file name (`Cpr`'s `Display` and `Debug` are masked;
//!   `reveal()` is for the request body only).
//! * Use [`Outgoing::idempotency_key`](valghalla_core::messages::Outgoing) as the message UUID,
//!   so a retry after a crash is recognised by the provider as the same message.
//! * The subject is the message label; the body is HTML (the main document).
//! * Map the answer: "received" → `Ok(Receipt)`; timeouts, 5xx, STS token failures →
//!   [`SendError::Temporary`](valghalla_core::messages::SendError::Temporary); a recipient who
//!   cannot receive Digital Post or a rejected document →
//!   [`SendError::Permanent`](valghalla_core::messages::SendError::Permanent). Reasons carry no
//!   personal data.
//! * The dispatcher already skips Digital Post for participants the CPR registry marks as
//!   exempt and falls back to e-mail or SMS.
//!
//! # SMS gateway
//!
//! * [`channel`](valghalla_core::messages::MessageSender::channel) returns
//!   [`Channel::Sms`](valghalla_core::messages::Channel::Sms); the recipient is
//!   [`Recipient::Sms`](valghalla_core::messages::Recipient) with a Danish mobile number.
//! * The body is plain text (links as plain URLs); the subject is not sent.
//! * Pass the idempotency key as the gateway's client reference where it supports one, so a
//!   repeated request is not a second text message.
//! * A non-zero status or an HTTP 5xx → temporary; an invalid number → permanent.
