//! The MQTT backend: Zigbee2MQTT and Home Assistant devices through a broker.
//!
//! [`MqttBackend::connect`] starts the connection thread ([`link`]), waits a
//! short while for the retained device list and discovery configs, and
//! returns even when the broker cannot be reached (hearth then keeps
//! talking, says devices are unreachable, queues commands and keeps trying).
//!
//! Topics (with the default prefixes):
//! - subscribed: `zigbee2mqtt/#` (device list, device state),
//!   `homeassistant/#` (discovery configs), and the state topics of Home
//!   Assistant entities;
//! - published: `zigbee2mqtt/<name>/set` and `/get`, Home Assistant command
//!   topics, `hearth/status` (`online`/`offline`, retained, also the last
//!   will) and `hearth/turn` (one JSON object per turn, [`turns`]).

mod credentials;
mod discovery;
mod found;
mod link;
mod merge;
mod turns;
mod z2m;

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

pub use credentials::{Credentials, CredentialsError};
pub use found::{Binding, Found, Message};

use crate::backend::{Asker, Backend, BackendSpec, Freshness, LateResult, Order, Outcome, Settled};
use crate::dialogue::Turn;
use crate::home::Home;

use link::{Entry, Link, Slot, Status};

/// Settings of the MQTT backend.
#[derive(Debug, Clone)]
pub struct MqttConfig {
    /// The broker (`mqtt://` or `mqtts://`).
    pub spec: BackendSpec,
    /// User and password, if the broker wants them.
    pub credentials: Option<Credentials>,
    /// The client id hearth connects with.
    pub client_id: String,
    /// Zigbee2MQTT's base topic.
    pub z2m_base: String,
    /// Home Assistant's discovery prefix.
    pub discovery_prefix: String,
    /// Prefix of what hearth publishes about itself.
    pub hearth_prefix: String,
    /// How long a device has to confirm a command.
    pub confirm_timeout: Duration,
    /// How long a command waits for an unreachable broker before it is given up.
    pub queue_ttl: Duration,
    /// First wait before reconnecting; doubled after each failure.
    pub backoff_min: Duration,
    /// Longest wait before reconnecting.
    pub backoff_max: Duration,
    /// Longest wait at start for device lists and discovery configs.
    pub discovery_wait: Duration,
    /// Publish the words of each turn (utterance, slots, reply, user) under
    /// `hearth/turn`; without it only intent, devices and actions.
    pub publish_text: bool,
}

impl MqttConfig {
    /// Defaults for a broker: confirm within 3 s, queue for 5 minutes,
    /// reconnect after 0.5 s doubling to 30 s, wait up to 3 s for discovery.
    pub fn new(spec: BackendSpec) -> Self {
        MqttConfig {
            spec,
            credentials: None,
            client_id: format!("hearth-{}", std::process::id()),
            z2m_base: "zigbee2mqtt".into(),
            discovery_prefix: "homeassistant".into(),
            hearth_prefix: "hearth".into(),
            confirm_timeout: Duration::from_secs(3),
            queue_ttl: Duration::from_secs(300),
            backoff_min: Duration::from_millis(500),
            backoff_max: Duration::from_secs(30),
            discovery_wait: Duration::from_secs(3),
            publish_text: false,
        }
    }

    /// `hearth/status`.
    pub fn status_topic(&self) -> String {
        format!("{}/status", self.hearth_prefix)
    }
}

/// Why the backend could not start.
#[derive(Debug, thiserror::Error)]
pub enum MqttError {
    /// `--backend` is not an MQTT broker.
    #[error("`{0}` is not an MQTT broker")]
    NotMqtt(String),
    /// `mqtts://` without the `mqtt-tls` feature.
    #[error("`{0}` needs TLS; this hearth was built without the `mqtt-tls` feature")]
    NoTls(String),
    /// The TLS setup failed.
    #[error("TLS setup failed: {0}")]
    Tls(String),
}

/// Devices on an MQTT broker.
pub struct MqttBackend {
    link: Arc<Link>,
    merged: usize,
    assumed: bool,
}

impl MqttBackend {
    /// Connects (in the background) and waits up to `discovery_wait` for
    /// the device list and discovery configs; returns early when the first
    /// connection attempt fails or the announcements have stopped coming.
    pub fn connect(config: MqttConfig) -> Result<Self, MqttError> {
        let BackendSpec::Mqtt { tls, host, port } = &config.spec else {
            return Err(MqttError::NotMqtt(config.spec.to_string()));
        };
        let mut options = rumqttc::MqttOptions::new(config.client_id.clone(), host.clone(), *port);
        options.set_keep_alive(Duration::from_secs(15));
        options.set_max_packet_size(1 << 20, 1 << 20);
        options.set_last_will(rumqttc::LastWill::new(
            config.status_topic(),
            "offline",
            rumqttc::QoS::AtLeastOnce,
            true,
        ));
        if let Some(credentials) = &config.credentials {
            options.set_credentials(credentials.user.clone(), credentials.password().to_string());
        }
        if *tls {
            options.set_transport(tls_transport(&config)?);
        }
        let (client, connection) = rumqttc::Client::new(options, 256);
        let link = Arc::new(Link { shared: Mutex::new(Default::default()), changed: Condvar::new(), client, config });
        let runner = Arc::clone(&link);
        std::thread::Builder::new()
            .name("mqtt".into())
            .spawn(move || link::run(runner, connection))
            .expect("a thread can be started");
        let started = Instant::now();
        let deadline = started + link.config.discovery_wait;
        let quiet = Duration::from_millis(300);
        let mut shared = link.lock();
        loop {
            let now = Instant::now();
            if now >= deadline || shared.failures > 0 {
                break;
            }
            if let Some(since) = shared.last_discovery.or(shared.connected_at)
                && now.duration_since(since) >= quiet
            {
                break;
            }
            let wait = (deadline - now).min(Duration::from_millis(50));
            shared = link.changed.wait_timeout(shared, wait).unwrap_or_else(|e| e.into_inner()).0;
        }
        drop(shared);
        Ok(MqttBackend { link, merged: 0, assumed: false })
    }

    fn bind(&self, shared: &mut link::Shared, device: usize, binding: found::Binding) {
        if let Some(s) = shared.slots.iter().position(|s| s.device == device) {
            shared.slots[s].binding = binding.clone();
            register_routes(shared, s);
        } else {
            shared.slots.push(Slot {
                device,
                binding: binding.clone(),
                reported: Default::default(),
                heard: false,
                seq: 0,
                synced: 0,
            });
            register_routes(shared, shared.slots.len() - 1);
        }
        if shared.connected {
            self.link.watch(&binding);
        }
    }
}

fn register_routes(shared: &mut link::Shared, slot: usize) {
    for topic in shared.slots[slot].binding.state_topics() {
        let slots = shared.routes.entry(topic).or_default();
        if !slots.contains(&slot) {
            slots.push(slot);
        }
    }
}

impl Backend for MqttBackend {
    fn sync(&mut self, home: &mut Home) {
        let link = Arc::clone(&self.link);
        let mut shared = link.lock();
        let mut fresh: Vec<usize> = (self.merged..shared.found.len()).collect();
        fresh.append(&mut shared.updated);
        self.merged = shared.found.len();
        for f in fresh {
            let found = shared.found[f].clone();
            let bound: Vec<usize> = shared.slots.iter().map(|s| s.device).collect();
            let device = merge::place(home, &found, &|i| bound.contains(&i));
            self.bind(&mut shared, device, found.binding);
        }
        if !self.assumed {
            self.assumed = true;
            // Home-file devices named on the broker but not (yet) announced:
            // taken to be Zigbee2MQTT devices of that friendly name.
            for i in 0..home.devices.len() {
                let Some(key) = home.devices[i].mqtt.clone() else { continue };
                if shared.slots.iter().any(|s| s.device == i) {
                    continue;
                }
                let binding = z2m::assumed(&link.config.z2m_base, &key, &home.devices[i]);
                self.bind(&mut shared, i, binding);
            }
        }
        for slot in &mut shared.slots {
            if slot.seq != slot.synced {
                slot.synced = slot.seq;
                if let Some(device) = home.devices.get_mut(slot.device) {
                    device.state.overlay(&slot.reported);
                }
            }
        }
    }

    fn execute(&mut self, _home: &Home, orders: &[Order], asker: Asker<'_>) -> Vec<Outcome> {
        let link = Arc::clone(&self.link);
        let mut shared = link.lock();
        let now = Instant::now();
        let mut ids: Vec<Result<u64, Outcome>> = Vec::new();
        for order in orders {
            let Some(slot) = shared.slots.iter().position(|s| s.device == order.device) else {
                ids.push(Err(Outcome::Unreachable));
                continue;
            };
            let Some(messages) = shared.slots[slot].binding.messages(&order.command) else {
                let line = format!(
                    "no MQTT topic or payload for {:?} on {}",
                    order.command,
                    describe(&shared.slots[slot].binding)
                );
                shared.log.push(line);
                ids.push(Err(Outcome::Unreachable));
                continue;
            };
            let status =
                if shared.connected && link.publish_all(&messages) { Status::Published(now) } else { Status::Queued };
            let id = shared.next_id;
            shared.next_id += 1;
            shared.outbox.push(Entry {
                id,
                slot,
                order: order.clone(),
                messages,
                user: asker.user.to_string(),
                lang: asker.lang,
                queued_at: now,
                status,
                background: false,
            });
            ids.push(Ok(id));
        }
        let deadline = now + link.config.confirm_timeout;
        loop {
            let waiting =
                shared.outbox.iter().any(|e| ids.contains(&Ok(e.id)) && matches!(e.status, Status::Published(_)));
            let now = Instant::now();
            if !waiting || now >= deadline {
                break;
            }
            shared = link.changed.wait_timeout(shared, deadline - now).unwrap_or_else(|e| e.into_inner()).0;
        }
        let mut outcomes = Vec::new();
        for id in ids {
            let id = match id {
                Ok(id) => id,
                Err(outcome) => {
                    outcomes.push(outcome);
                    continue;
                }
            };
            let at = shared.outbox.iter().position(|e| e.id == id).expect("entries of a running turn stay");
            let outcome = match shared.outbox[at].status {
                Status::Confirmed => Outcome::Done,
                Status::Published(_) => Outcome::Unconfirmed,
                Status::Queued => Outcome::Queued,
            };
            if outcome == Outcome::Queued {
                shared.outbox[at].background = true;
            } else {
                shared.outbox.remove(at);
            }
            outcomes.push(outcome);
        }
        outcomes
    }

    fn freshness(&self, _home: &Home, device: usize) -> Freshness {
        let shared = self.link.lock();
        let Some(slot) = shared.slots.iter().find(|s| s.device == device) else {
            return Freshness::Unreachable { heard: false };
        };
        match (shared.connected, slot.heard) {
            (false, heard) => Freshness::Unreachable { heard },
            (true, false) => Freshness::NotReported,
            (true, true) => Freshness::Live,
        }
    }

    fn take_settled(&mut self) -> Vec<Settled> {
        let mut shared = self.link.lock();
        let now = Instant::now();
        let config = &self.link.config;
        let mut settled = Vec::new();
        let mut kept = Vec::new();
        for entry in std::mem::take(&mut shared.outbox) {
            let result = match entry.status {
                _ if !entry.background => None,
                Status::Confirmed => Some(LateResult::Confirmed),
                Status::Published(at) if now.duration_since(at) >= config.confirm_timeout => {
                    Some(LateResult::Unconfirmed)
                }
                Status::Queued if now.duration_since(entry.queued_at) >= config.queue_ttl => Some(LateResult::Expired),
                _ => None,
            };
            match result {
                Some(result) => settled.push(Settled {
                    user: entry.user,
                    lang: entry.lang,
                    device: shared.slots[entry.slot].device,
                    command: entry.order.command,
                    result,
                }),
                None => kept.push(entry),
            }
        }
        shared.outbox = kept;
        settled
    }

    fn next_poll_in(&self) -> Option<Duration> {
        let shared = self.link.lock();
        shared.outbox.iter().any(|e| e.background).then_some(Duration::from_millis(100))
    }

    fn confirm_timeout(&self) -> Duration {
        self.link.config.confirm_timeout
    }

    fn publish_turn(&mut self, user: &str, turn: &Turn) {
        let connected = self.link.lock().connected;
        if connected {
            let payload = turns::payload(user, turn, self.link.config.publish_text);
            let topic = format!("{}/turn", self.link.config.hearth_prefix);
            let _ = self.link.client.try_publish(topic, rumqttc::QoS::AtMostOnce, false, payload);
        }
    }

    fn take_log(&mut self) -> Vec<String> {
        std::mem::take(&mut self.link.lock().log)
    }
}

impl Drop for MqttBackend {
    /// Says `offline`, disconnects cleanly and waits up to a second for the
    /// last messages to leave.
    fn drop(&mut self) {
        let mut shared = self.link.lock();
        shared.closing = true;
        if shared.connected {
            let topic = self.link.config.status_topic();
            let _ = self.link.client.try_publish(topic, rumqttc::QoS::AtLeastOnce, true, "offline");
            let _ = self.link.client.try_disconnect();
            let deadline = Instant::now() + Duration::from_secs(1);
            while !shared.finished && Instant::now() < deadline {
                shared = self
                    .link
                    .changed
                    .wait_timeout(shared, Duration::from_millis(50))
                    .unwrap_or_else(|e| e.into_inner())
                    .0;
            }
        }
    }
}

fn describe(binding: &found::Binding) -> String {
    match binding {
        found::Binding::Z2m(device) => device.topic.clone(),
        found::Binding::Ha(entity) => format!("a Home Assistant {}", entity.component),
    }
}

#[cfg(feature = "mqtt-tls")]
fn tls_transport(_config: &MqttConfig) -> Result<rumqttc::Transport, MqttError> {
    use std::sync::Arc;
    let mut roots = rustls::RootCertStore::empty();
    let loaded = rustls_native_certs::load_native_certs();
    for cert in loaded.certs {
        let _ = roots.add(cert);
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| MqttError::Tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(rumqttc::Transport::tls_with_config(rumqttc::TlsConfiguration::Rustls(Arc::new(tls))))
}

#[cfg(not(feature = "mqtt-tls"))]
fn tls_transport(config: &MqttConfig) -> Result<rumqttc::Transport, MqttError> {
    Err(MqttError::NoTls(config.spec.to_string()))
}
