//! The serial wire protocol between a hearth hub and a machine peer.
//!
//! `no_std`, no allocator. The message types land with the serial link.
#![no_std]
#![warn(missing_docs)]

/// The protocol version this crate speaks.
pub const PROTOCOL_VERSION: u16 = 1;
