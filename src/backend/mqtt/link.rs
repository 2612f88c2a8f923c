//! The connection to the broker, kept on its own thread.
//!
//! The thread drives rumqttc's event loop: it reconnects with exponential
//! backoff when the broker is away, subscribes again after every connect,
//! sends queued commands once connected, reads device lists, discovery
//! configs and state messages, and marks commands confirmed when a state
//! message shows they took effect. Everything it knows is in [`Shared`],
//! behind one mutex, with a condition variable that is notified on every change.
//!
//! Commands are only handed to rumqttc while connected: rumqttc drops
//! requests left over from a lost clean session, so a command published in
//! the moment a connection dies is put back in the queue and sent again
//! after the reconnect (commands are absolute values, so sending one twice is harmless).

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Instant;

use rumqttc::{Client, Connection, Event, Outgoing, Packet, QoS};

use crate::backend::Order;
use crate::home::State;
use crate::text::Lang;

use super::found::{Binding, Found, Message, confirms};
use super::{MqttConfig, discovery, z2m};

/// What the connection thread and the backend share.
#[derive(Default)]
pub struct Shared {
    /// Connected to the broker now.
    pub connected: bool,
    /// Connection attempts that failed since the last success.
    pub failures: u32,
    /// When the current connection began.
    pub connected_at: Option<Instant>,
    /// When the last device list or discovery config arrived.
    pub last_discovery: Option<Instant>,
    /// Whether the Zigbee2MQTT device list arrived.
    pub bridge_seen: bool,
    /// Devices announced, in order of arrival.
    pub found: Vec<Found>,
    /// Indices into `found` of devices announced again with new details.
    pub updated: Vec<usize>,
    /// Bound devices.
    pub slots: Vec<Slot>,
    /// State topic to slots.
    pub routes: HashMap<String, Vec<usize>>,
    /// Commands not yet settled.
    pub outbox: Vec<Entry>,
    /// The next entry id.
    pub next_id: u64,
    /// Log lines not yet taken.
    pub log: Vec<String>,
    /// Set when the backend is dropped.
    pub closing: bool,
    /// Set when the thread has ended.
    pub finished: bool,
}

/// A device of the home bound to the broker.
pub struct Slot {
    /// Device index in the home.
    pub device: usize,
    /// How to talk to it.
    pub binding: Binding,
    /// Everything it reported, merged.
    pub reported: State,
    /// Whether it reported anything.
    pub heard: bool,
    /// Counts reports.
    pub seq: u64,
    /// `seq` when the home last took the reported state.
    pub synced: u64,
}

/// A command on its way.
pub struct Entry {
    /// Unique id.
    pub id: u64,
    /// The slot it is for.
    pub slot: usize,
    /// The order.
    pub order: Order,
    /// What to publish.
    pub messages: Vec<Message>,
    /// Who asked, in which language.
    pub user: String,
    /// The language of the request.
    pub lang: Lang,
    /// When it was asked.
    pub queued_at: Instant,
    /// Where it is.
    pub status: Status,
    /// Its turn is over; it is settled through `take_settled`.
    pub background: bool,
}

/// Where a command is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Waiting for the broker.
    Queued,
    /// Handed to the broker at this time.
    Published(Instant),
    /// The device's state shows it.
    Confirmed,
}

/// The shared state, the client and the configuration.
pub struct Link {
    /// Shared state.
    pub shared: Mutex<Shared>,
    /// Notified whenever `shared` changes.
    pub changed: Condvar,
    /// The client (a handle on rumqttc's request channel).
    pub client: Client,
    /// Settings.
    pub config: MqttConfig,
}

impl Link {
    /// Locks the shared state (a poisoned lock is taken over: the data stays consistent per field).
    pub fn lock(&self) -> MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Hands `messages` to rumqttc with QoS 1; false when the request channel refused one.
    pub fn publish_all(&self, messages: &[Message]) -> bool {
        messages.iter().all(|m| self.client.try_publish(&m.topic, QoS::AtLeastOnce, false, m.payload.clone()).is_ok())
    }

    /// Subscribes to the state topics of a newly bound slot (those outside
    /// the Zigbee2MQTT wildcard) and asks the device for its state.
    pub fn watch(&self, binding: &Binding) {
        let base = format!("{}/", self.config.z2m_base);
        for topic in binding.state_topics() {
            if !topic.starts_with(&base) {
                let _ = self.client.try_subscribe(topic, QoS::AtLeastOnce);
            }
        }
        if let Some(request) = binding.state_request() {
            let _ = self.client.try_publish(request.topic, QoS::AtLeastOnce, false, request.payload);
        }
    }
}

/// Runs the connection until the backend is dropped.
pub fn run(link: Arc<Link>, mut connection: Connection) {
    let mut backoff = link.config.backoff_min;
    for event in connection.iter() {
        match event {
            Ok(Event::Incoming(Packet::ConnAck(_))) => {
                backoff = link.config.backoff_min;
                on_connect(&link);
            }
            Ok(Event::Incoming(Packet::Publish(publish))) => on_message(&link, &publish.topic, &publish.payload),
            Ok(Event::Outgoing(Outgoing::Disconnect)) => break,
            Ok(_) => {}
            Err(error) => {
                if link.lock().closing {
                    break;
                }
                on_disconnect(&link, &error.to_string());
                std::thread::sleep(backoff);
                backoff = (backoff * 2).min(link.config.backoff_max);
            }
        }
    }
    let mut shared = link.lock();
    shared.connected = false;
    shared.finished = true;
    link.changed.notify_all();
}

fn on_connect(link: &Link) {
    let config = &link.config;
    let _ = link.client.try_subscribe(format!("{}/#", config.z2m_base), QoS::AtLeastOnce);
    let _ = link.client.try_subscribe(format!("{}/#", config.discovery_prefix), QoS::AtLeastOnce);
    let _ = link.client.try_publish(config.status_topic(), QoS::AtLeastOnce, true, "online");
    let mut shared = link.lock();
    if shared.failures > 0 || shared.connected_at.is_some() {
        shared.log.push(format!("connected to the MQTT broker at {}", config.spec));
    }
    shared.connected = true;
    shared.failures = 0;
    shared.connected_at = Some(Instant::now());
    for slot in &shared.slots {
        link.watch(&slot.binding);
    }
    let now = Instant::now();
    let ttl = config.queue_ttl;
    for i in 0..shared.outbox.len() {
        let entry = &shared.outbox[i];
        if entry.status == Status::Queued
            && now.duration_since(entry.queued_at) < ttl
            && link.publish_all(&entry.messages)
        {
            shared.outbox[i].status = Status::Published(now);
        }
    }
    link.changed.notify_all();
}

fn on_disconnect(link: &Link, error: &str) {
    let mut shared = link.lock();
    if shared.connected {
        shared.log.push(format!("lost the MQTT broker at {} ({error}); reconnecting", link.config.spec));
    } else if shared.failures == 0 {
        shared.log.push(format!("cannot reach the MQTT broker at {} ({error}); retrying", link.config.spec));
    }
    shared.connected = false;
    shared.failures += 1;
    for entry in &mut shared.outbox {
        if let Status::Published(_) = entry.status {
            entry.status = Status::Queued;
        }
    }
    link.changed.notify_all();
}

fn on_message(link: &Link, topic: &str, payload: &[u8]) {
    let config = &link.config;
    let mut shared = link.lock();
    if topic == format!("{}/bridge/devices", config.z2m_base) {
        match z2m::parse_devices(&config.z2m_base, payload) {
            Ok(found) => {
                shared.bridge_seen = true;
                shared.last_discovery = Some(Instant::now());
                for device in found {
                    add_found(&mut shared, device);
                }
            }
            Err(reason) => shared.log.push(format!("ignored the device list on {topic}: {reason}")),
        }
    } else if topic.starts_with(&format!("{}/", config.discovery_prefix)) && topic.ends_with("/config") {
        shared.last_discovery = Some(Instant::now());
        match discovery::parse_config(topic, payload) {
            // Zigbee2MQTT's own discovery configs repeat the device list; the list is richer.
            Ok(Some(found))
                if found.binding.state_topics().iter().any(|t| t.starts_with(&format!("{}/", config.z2m_base))) => {}
            Ok(Some(found)) => add_found(&mut shared, found),
            Ok(None) => {}
            Err(reason) => shared.log.push(format!("ignored the discovery config on {topic}: {reason}")),
        }
    } else if let Some(slots) = shared.routes.get(topic).cloned() {
        for s in slots {
            match shared.slots[s].binding.read(topic, payload) {
                Ok(report) => {
                    let slot = &mut shared.slots[s];
                    slot.reported.overlay(&report);
                    slot.heard = true;
                    slot.seq += 1;
                    let reported = slot.reported.clone();
                    for entry in shared.outbox.iter_mut().filter(|e| e.slot == s) {
                        if matches!(entry.status, Status::Published(_)) && confirms(&entry.order.command, &reported) {
                            entry.status = Status::Confirmed;
                        }
                    }
                }
                Err(reason) => shared.log.push(format!("ignored a payload on {topic}: {reason}")),
            }
        }
    }
    link.changed.notify_all();
}

fn add_found(shared: &mut Shared, found: Found) {
    match shared.found.iter().position(|f| f.key == found.key) {
        Some(i) if shared.found[i] == found => {}
        Some(i) => {
            shared.found[i] = found;
            shared.updated.push(i);
        }
        None => shared.found.push(found),
    }
}
