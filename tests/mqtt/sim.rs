//! A Zigbee2MQTT stand-in: publishes a retained device list on
//! `zigbee2mqtt/bridge/devices` on every connect, answers `.../set` by
//! merging the payload into the device's state and publishing that state,
//! answers `.../get` with the state, and reconnects when the broker is away.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rumqttc::{Client, Event, MqttOptions, Packet, QoS};
use serde_json::{Value, json};

/// The simulated devices and what they were told.
#[derive(Default)]
pub struct Devices {
    /// State per friendly name.
    pub state: BTreeMap<String, Value>,
    /// `(friendly name, payload)` of every `/set`, in order.
    pub commands: Vec<(String, Value)>,
    /// Devices that take commands without ever answering.
    pub mute: Vec<String>,
}

/// A running simulator.
pub struct Sim {
    /// Its devices.
    pub devices: Arc<Mutex<Devices>>,
    client: Client,
}

/// The device list: a colour light, a garage door, a radiator valve, a
/// ceiling light with an area in its name, and the coordinator.
pub fn device_list() -> Value {
    json!([
        {"type": "Coordinator", "friendly_name": "Coordinator", "definition": null},
        {"type": "Router", "friendly_name": "Living Room Lamp", "definition": {"description": "Hue white and color ambiance", "exposes": [
            {"type": "light", "features": [
                {"name": "state", "property": "state", "value_on": "ON", "value_off": "OFF"},
                {"name": "brightness", "property": "brightness", "value_max": 254},
                {"name": "color_temp", "property": "color_temp"},
                {"name": "color_xy", "property": "color"}]},
            {"type": "numeric", "name": "linkquality", "property": "linkquality"}]}},
        {"type": "Router", "friendly_name": "Garage Door", "definition": {"description": "Garage door opener", "exposes": [
            {"type": "cover", "features": [{"name": "state", "property": "state", "value_on": "OPEN", "value_off": "CLOSE"}]}]}},
        {"type": "EndDevice", "friendly_name": "Bedroom TRV", "definition": {"description": "Radiator valve", "exposes": [
            {"type": "climate", "features": [
                {"name": "current_heating_setpoint", "property": "current_heating_setpoint"},
                {"name": "local_temperature", "property": "local_temperature"},
                {"name": "system_mode", "property": "system_mode"}]}]}},
        {"type": "Router", "friendly_name": "kitchen/ceiling", "definition": {"description": "LED bulb", "exposes": [
            {"type": "light", "features": [
                {"name": "state", "property": "state", "value_on": "ON", "value_off": "OFF"},
                {"name": "brightness", "property": "brightness", "value_max": 254}]}]}}
    ])
}

fn initial_state() -> BTreeMap<String, Value> {
    BTreeMap::from([
        ("Living Room Lamp".to_string(), json!({"state": "OFF", "brightness": 254, "color_temp": 370})),
        ("Garage Door".to_string(), json!({"state": "CLOSE"})),
        (
            "Bedroom TRV".to_string(),
            json!({"current_heating_setpoint": 20, "local_temperature": 18.5, "system_mode": "heat"}),
        ),
        ("kitchen/ceiling".to_string(), json!({"state": "OFF", "brightness": 200})),
    ])
}

impl Sim {
    /// Connects to the broker on `port` and plays the devices.
    pub fn start(port: u16) -> Sim {
        let devices = Arc::new(Mutex::new(Devices { state: initial_state(), ..Devices::default() }));
        let mut options = MqttOptions::new(format!("z2m-sim-{}-{port}", std::process::id()), "127.0.0.1", port);
        options.set_keep_alive(Duration::from_secs(5));
        let (client, mut connection) = Client::new(options, 64);
        let (thread_client, thread_devices) = (client.clone(), Arc::clone(&devices));
        std::thread::spawn(move || {
            for event in connection.iter() {
                match event {
                    Ok(Event::Incoming(Packet::ConnAck(_))) => {
                        let _ = thread_client.subscribe("zigbee2mqtt/#", QoS::AtLeastOnce);
                        let list = device_list().to_string();
                        let _ = thread_client.publish("zigbee2mqtt/bridge/devices", QoS::AtLeastOnce, true, list);
                    }
                    Ok(Event::Incoming(Packet::Publish(p))) => {
                        handle(&thread_client, &thread_devices, &p.topic, &p.payload);
                    }
                    Ok(_) => {}
                    Err(_) => std::thread::sleep(Duration::from_millis(100)),
                }
            }
        });
        Sim { devices, client }
    }

    /// Changes a device as if someone used it by hand, and publishes the new state.
    pub fn set_by_hand(&self, name: &str, change: Value) {
        let state = {
            let mut devices = self.devices.lock().unwrap();
            let state = devices.state.get_mut(name).unwrap();
            merge(state, &change);
            state.clone()
        };
        self.client.publish(format!("zigbee2mqtt/{name}"), QoS::AtLeastOnce, false, state.to_string()).unwrap();
    }

    /// Publishes any payload (for malformed-message tests).
    pub fn publish_raw(&self, topic: &str, payload: &[u8]) {
        self.client.publish(topic, QoS::AtLeastOnce, false, payload.to_vec()).unwrap();
    }

    /// A device's state property, once it equals `want` (waits up to 5 s).
    pub fn wait_for(&self, name: &str, property: &str, want: Value) {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let got = self.devices.lock().unwrap().state[name].get(property).cloned();
            if got.as_ref() == Some(&want) {
                return;
            }
            assert!(Instant::now() < deadline, "{name}.{property} is {got:?}, expected {want}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn merge(state: &mut Value, change: &Value) {
    if let (Some(state), Some(change)) = (state.as_object_mut(), change.as_object()) {
        for (k, v) in change {
            state.insert(k.clone(), v.clone());
        }
    }
}

fn handle(client: &Client, devices: &Mutex<Devices>, topic: &str, payload: &[u8]) {
    let Some(rest) = topic.strip_prefix("zigbee2mqtt/") else { return };
    let (name, verb) = match rest.rsplit_once('/') {
        Some((name, verb @ ("set" | "get"))) => (name, verb),
        _ => return,
    };
    let mut devices = devices.lock().unwrap();
    if !devices.state.contains_key(name) {
        return;
    }
    let Ok(change) = serde_json::from_slice::<Value>(payload) else { return };
    if verb == "set" {
        devices.commands.push((name.to_string(), change.clone()));
        if devices.mute.iter().any(|m| m == name) {
            return;
        }
        merge(devices.state.get_mut(name).unwrap(), &change);
    }
    let state = devices.state[name].to_string();
    let _ = client.try_publish(format!("zigbee2mqtt/{name}"), QoS::AtLeastOnce, false, state);
}
