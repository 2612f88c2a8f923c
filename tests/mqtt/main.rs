//! hearth against a real broker: its own mosquitto on a free loopback port
//! and a simulated Zigbee2MQTT (`sim`). The conversations run the real
//! `hearth chat --backend mqtt://...` over piped standard input, in English
//! and Chinese; the faults (broker down at start, lost mid-conversation,
//! malformed payloads, a device that never answers) are made by stopping
//! and starting the broker and by the simulator.

mod broker;
mod sim;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use broker::Broker;
use serde_json::json;
use sim::Sim;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A running `hearth chat`, one line in and the reply lines out.
struct Chat {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    data: std::path::PathBuf,
}

impl Chat {
    fn start(tag: &str, url: &str) -> Chat {
        let data = std::env::temp_dir().join(format!("hearth-mqtt-chat-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data);
        let mut child = Command::new(env!("CARGO_BIN_EXE_hearth"))
            .args(["chat", "--backend", url, "--confirm-timeout", "2", "--reconnect-max", "0.3"])
            .args(["--discovery-wait", "3", "--queue-for", "30"])
            .arg("--model")
            .arg(root().join("models"))
            .arg("--home")
            .arg(root().join("tests/mqtt/home.toml"))
            .arg("--data-dir")
            .arg(&data)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let (sender, lines) = channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Chat { child, stdin, lines, data }
    }

    /// Says `text` and returns the reply line.
    fn say(&mut self, text: &str) -> String {
        writeln!(self.stdin, "{text}").unwrap();
        self.stdin.flush().unwrap();
        self.next_line(Duration::from_secs(20)).unwrap_or_else(|| panic!("no reply to {text:?}"))
    }

    /// Asks `text` again and again (every 100 ms) until the reply contains
    /// `want`, for at most `within`: for news that has to travel through the
    /// broker first. `text` must be a question that changes nothing.
    fn ask_until(&mut self, text: &str, want: &str, within: Duration) -> String {
        let deadline = Instant::now() + within;
        loop {
            let reply = self.say(text);
            if reply.contains(want) || Instant::now() >= deadline {
                return reply;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn next_line(&self, within: Duration) -> Option<String> {
        self.lines.recv_timeout(within).ok()
    }

    /// Waits for a line (an announcement) containing `want`.
    fn announcement(&self, want: &str, within: Duration) -> String {
        let deadline = Instant::now() + within;
        let mut seen = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.next_line(left) {
                Some(line) if line.contains(want) => return line,
                Some(line) => seen.push(line),
                None => break,
            }
        }
        panic!("no line containing {want:?}; saw {seen:?}");
    }

    /// Ends the conversation; returns standard error.
    fn finish(mut self) -> String {
        drop(self.stdin);
        let deadline = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "hearth did not end after its input ended");
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut self.child.stderr.take().unwrap(), &mut stderr).unwrap();
        assert!(status.success(), "hearth failed: {stderr}");
        let _ = std::fs::remove_dir_all(&self.data);
        stderr
    }
}

fn check(reply: &str, want: &str) {
    assert!(reply.contains(want), "reply {reply:?} lacks {want:?}");
}

#[test]
fn english_conversation_survives_a_broker_restart() {
    let mut broker = Broker::start("en");
    let sim = Sim::start(broker.port);
    sim.wait_for("Garage Door", "state", json!("CLOSE"));
    let mut chat = Chat::start("en", &broker.url());

    check(&chat.say("turn on the floor lamp"), "Turned on the floor lamp.");
    sim.wait_for("Living Room Lamp", "state", json!("ON"));
    check(&chat.say("dim the floor lamp to 30%"), "30%");
    sim.wait_for("Living Room Lamp", "brightness", json!(76));
    check(&chat.say("is the floor lamp on?"), "Yes. The floor lamp is on, at 30%");

    // Real state: the door was opened by hand, the bedroom reads 18.5 °C.
    sim.set_by_hand("Garage Door", json!({"state": "OPEN"}));
    check(&chat.ask_until("is the garage door open?", "Yes.", Duration::from_secs(10)), "Yes.");
    check(&chat.say("how warm is the bedroom?"), "18.5 °C");
    // A device only the broker knows, placed in the kitchen by its name.
    check(&chat.say("turn on the kitchen ceiling"), "Turned on");
    sim.wait_for("kitchen/ceiling", "state", json!("ON"));
    // A home-file device the broker does not have.
    check(&chat.say("turn on the fan"), "I can't reach the fan.");

    // The broker goes away mid-conversation: the command waits, and goes out when it is back.
    broker.stop();
    // Once hearth has noticed, the state it reports is second-hand.
    check(
        &chat.ask_until("is the floor lamp on?", "the last I heard", Duration::from_secs(10)),
        "the last I heard, it was on",
    );
    check(&chat.say("turn off the floor lamp"), "I can't reach the MQTT broker right now");
    broker.resume();
    chat.announcement(
        "The broker is back and the command went out: the floor lamp is now off",
        Duration::from_secs(15),
    );
    sim.wait_for("Living Room Lamp", "state", json!("OFF"));
    check(&chat.say("is the floor lamp on?"), "No. The floor lamp is off");
    let stderr = chat.finish();
    assert!(stderr.contains("lost the MQTT broker"), "{stderr}");
    let told: Vec<String> = sim.devices.lock().unwrap().commands.iter().map(|(n, v)| format!("{n} {v}")).collect();
    assert!(told.contains(&r#"Living Room Lamp {"brightness":76,"state":"ON"}"#.to_string()), "{told:?}");
}

#[test]
fn chinese_conversation_and_broker_down_at_start() {
    let mut broker = Broker::start("zh");
    broker.stop();
    let mut chat = Chat::start("zh", &broker.url());
    // No broker: the lamp (named in the home file) waits; its state is unknown.
    check(&chat.say("打开落地灯"), "现在连不上MQTT服务器");
    check(&chat.say("落地灯开着吗"), "现在联系不上落地灯");
    broker.resume();
    let sim = Sim::start(broker.port);
    chat.announcement("MQTT服务器恢复了，指令已发出：落地灯现在开着", Duration::from_secs(15));
    sim.wait_for("Living Room Lamp", "state", json!("ON"));
    check(&chat.say("把落地灯调到百分之三十"), "30%");
    sim.wait_for("Living Room Lamp", "brightness", json!(76));
    check(&chat.say("卧室多少度"), "18.5 °C");
    check(&chat.say("把卧室的温度调到22度"), "22 °C");
    sim.wait_for("Bedroom TRV", "current_heating_setpoint", json!(22.0));
    check(&chat.say("车库门开着吗"), "没有");
    chat.finish();
}

#[test]
fn malformed_payloads_and_a_silent_device() {
    let broker = Broker::start("faults");
    let sim = Sim::start(broker.port);
    sim.wait_for("Garage Door", "state", json!("CLOSE"));
    let mut chat = Chat::start("faults", &broker.url());
    check(&chat.say("turn on the floor lamp"), "Turned on the floor lamp.");
    sim.publish_raw("zigbee2mqtt/Living Room Lamp", b"\xff\xfe not json");
    sim.publish_raw("zigbee2mqtt/Living Room Lamp", br#"{"brightness": "very"}"#);
    sim.publish_raw("zigbee2mqtt/bridge/devices", b"{\"oops\": ");
    std::thread::sleep(Duration::from_millis(300));
    check(&chat.say("is the floor lamp on?"), "Yes.");
    sim.devices.lock().unwrap().mute.push("kitchen/ceiling".into());
    check(&chat.say("turn on the kitchen ceiling"), "no confirmation came within 2 seconds");
    let stderr = chat.finish();
    let ignored = stderr.lines().filter(|l| l.contains("ignored")).count();
    assert_eq!(ignored, 3, "one line per bad message: {stderr}");
}

/// The library contract: a command queued for a lost broker is reported
/// as expired after the queue time, and is not sent when the broker returns.
#[test]
fn a_queued_command_expires_and_is_never_sent_late() {
    use hearth::backend::mqtt::{MqttBackend, MqttConfig};
    use hearth::backend::{Asker, Backend, Freshness, LateResult, Order, Outcome};
    use hearth::home::{Command as DeviceCommand, Home};
    use hearth::text::Lang;

    let mut broker = Broker::start("expiry");
    let sim = Sim::start(broker.port);
    sim.wait_for("Garage Door", "state", json!("CLOSE"));
    let mut config = MqttConfig::new(broker.url().parse().unwrap());
    config.confirm_timeout = Duration::from_secs(2);
    config.queue_ttl = Duration::from_millis(500);
    config.backoff_max = Duration::from_millis(200);
    // In-process backends of parallel tests must not share a client id.
    config.client_id = format!("hearth-expiry-{}", std::process::id());
    let mut backend = MqttBackend::connect(config).unwrap();
    let mut home = Home::load(&root().join("tests/mqtt/home.toml")).unwrap();
    backend.sync(&mut home);
    let lamp = home.device_index("living_room.floor_lamp").unwrap();
    // `connect` returns early when its first attempt fails; the first
    // command needs the link up and the lamp heard.
    let deadline = Instant::now() + Duration::from_secs(10);
    while backend.freshness(&home, lamp) != Freshness::Live && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
        backend.sync(&mut home);
    }
    assert_eq!(backend.freshness(&home, lamp), Freshness::Live, "{:?}", backend.take_log());
    let asker = Asker { user: "ana", lang: Lang::En };
    let on = [Order { device: lamp, command: DeviceCommand::TurnOn }];
    assert_eq!(backend.execute(&home, &on, asker), [Outcome::Done], "{:?}", backend.take_log());

    broker.stop();
    std::thread::sleep(Duration::from_millis(300));
    let off = [Order { device: lamp, command: DeviceCommand::TurnOff }];
    assert_eq!(backend.execute(&home, &off, asker), [Outcome::Queued]);
    assert_eq!(backend.freshness(&home, lamp), Freshness::Unreachable { heard: true });
    assert!(backend.next_poll_in().is_some());
    std::thread::sleep(Duration::from_millis(700));
    let settled = backend.take_settled();
    assert_eq!(settled.len(), 1, "{settled:?}");
    assert_eq!((settled[0].device, settled[0].result), (lamp, LateResult::Expired));
    assert!(backend.next_poll_in().is_none());

    broker.resume();
    let deadline = Instant::now() + Duration::from_secs(10);
    while backend.freshness(&home, lamp) != Freshness::Live && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(backend.freshness(&home, lamp), Freshness::Live);
    // Time for a late command to show up at the lamp, were one sent.
    std::thread::sleep(Duration::from_millis(300));
    let told = sim.devices.lock().unwrap().commands.len();
    assert_eq!(told, 1, "only the first command reached the lamp");
    sim.wait_for("Living Room Lamp", "state", json!("ON"));
}

/// A Home Assistant entity announced by discovery is found, placed in its
/// suggested area, commanded on its own topics and confirmed by its state topic.
#[test]
fn home_assistant_discovery_through_the_broker() {
    use hearth::backend::mqtt::{MqttBackend, MqttConfig};
    use hearth::backend::{Asker, Backend, Order, Outcome};
    use hearth::home::{Command as DeviceCommand, Home};
    use hearth::text::Lang;
    use rumqttc::{Client, Event, MqttOptions, Packet, QoS};

    let broker = Broker::start("discovery");
    let (client, mut connection) = Client::new(MqttOptions::new("ha-device", "127.0.0.1", broker.port), 16);
    let config = json!({
        "name": null, "uniq_id": "hall_strip", "~": "hall/strip", "cmd_t": "~/set", "stat_t": "~/state",
        "bri_cmd_t": "~/brightness/set", "bri_scl": 100, "dev": {"name": "Hall strip", "sa": "Kitchen"}
    });
    let responder = client.clone();
    let (announced, on_broker) = channel();
    std::thread::spawn(move || {
        for event in connection.iter() {
            match event {
                Ok(Event::Incoming(Packet::ConnAck(_))) => {
                    let topic = "homeassistant/light/hall_strip/config";
                    let _ = responder.publish(topic, QoS::AtLeastOnce, true, config.to_string());
                    let _ = responder.subscribe("hall/strip/#", QoS::AtLeastOnce);
                }
                // The broker holds the retained config: hearth may connect.
                Ok(Event::Incoming(Packet::PubAck(_))) => {
                    let _ = announced.send(());
                }
                Ok(Event::Incoming(Packet::Publish(p))) if p.topic == "hall/strip/set" => {
                    let _ = responder.try_publish("hall/strip/state", QoS::AtLeastOnce, false, p.payload.to_vec());
                }
                Ok(_) => {}
                Err(_) => break,
            }
        }
    });
    on_broker.recv_timeout(Duration::from_secs(10)).expect("the broker took the discovery config");
    let mut config = MqttConfig::new(broker.url().parse().unwrap());
    config.confirm_timeout = Duration::from_secs(2);
    config.client_id = format!("hearth-discovery-{}", std::process::id());
    let mut backend = MqttBackend::connect(config).unwrap();
    let mut home = Home::load(&root().join("tests/mqtt/home.toml")).unwrap();
    backend.sync(&mut home);
    let strip = home.device_index("mqtt.hall_strip").expect("the discovered light is in the home");
    assert_eq!(home.devices[strip].names, ["Hall strip"]);
    assert_eq!(home.devices[strip].area, home.area_named("kitchen"));
    let asker = Asker { user: "ana", lang: Lang::En };
    let on = [Order { device: strip, command: DeviceCommand::TurnOn }];
    assert_eq!(backend.execute(&home, &on, asker), [Outcome::Done], "{:?}", backend.take_log());
    drop(client);
}
