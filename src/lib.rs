//! hearth: an offline, personalised smart-home assistant.
//!
//! This crate is the runtime that ships to the hub. Its text module is also the
//! tokeniser of the trainer, so training and inference cut text identically.
#![warn(missing_docs)]

pub mod backend;
pub mod bio;
pub mod console;
pub mod dialogue;
pub mod home;
pub mod labels;
pub mod nlu;
pub mod profile;
pub mod store;
pub mod text;
pub mod values;
