//! Helpers shared by the test binaries; each binary uses a part.
#![allow(dead_code, reason = "each test binary uses a part of the helpers")]

pub mod decode_check;

use hearth_wire::heapless::{String, Vec};
use hearth_wire::{ErrorCode, ErrorMessage, Event, Hello, Message, Reply, Slot, Utterance, truncated};
use proptest::prelude::*;

pub use decode_check::encode;

/// A string of capacity `N`: random characters of any script, cut to fit, sometimes full.
pub fn text<const N: usize>() -> impl Strategy<Value = String<N>> {
    prop_oneof![
        4 => proptest::collection::vec(any::<char>(), 0..24),
        1 => proptest::collection::vec(any::<char>(), N / 4..=N),
    ]
    .prop_map(|chars| truncated(&chars.into_iter().collect::<std::string::String>()))
}

/// Any message, with every field over its whole range.
pub fn message() -> impl Strategy<Value = Message> {
    let hello = (any::<u16>(), any::<u16>(), any::<u16>(), text())
        .prop_map(|(version, min_version, max_frame, agent)| Hello { version, min_version, max_frame, agent });
    let utterance = (any::<u32>(), text(), text()).prop_map(|(id, user, text)| Utterance { id, user, text });
    let slot = (text(), text()).prop_map(|(label, value)| Slot { label, value });
    let reply = (
        any::<u32>(),
        text(),
        proptest::num::f32::ANY,
        proptest::collection::vec(slot, 0..=hearth_wire::MAX_SLOTS),
        proptest::collection::vec(text(), 0..=hearth_wire::MAX_ACTIONS),
        text(),
    )
        .prop_map(|(id, intent, confidence, slots, actions, text)| Reply {
            id,
            intent,
            confidence,
            slots: Vec::from_iter(slots),
            actions: Vec::from_iter(actions),
            text,
        });
    let event = prop_oneof![
        (text(), text()).prop_map(|(timer, label)| Event::TimerFinished { timer, label }),
        (text(), text()).prop_map(|(device, state)| Event::DeviceState { device, state }),
    ];
    let error = (any::<Option<u32>>(), any::<u16>(), text()).prop_map(|(id, code, detail)| ErrorMessage {
        id,
        code: ErrorCode(code),
        detail,
    });
    prop_oneof![
        hello.prop_map(Message::Hello),
        utterance.prop_map(Message::Utterance),
        reply.prop_map(Message::Reply),
        event.prop_map(Message::Event),
        error.prop_map(Message::Error),
        any::<u32>().prop_map(|id| Message::Ping { id }),
        any::<u32>().prop_map(|id| Message::Pong { id }),
    ]
}
