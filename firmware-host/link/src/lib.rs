//! The client side of the hearth serial protocol, over any byte stream.
//!
//! [`Client`] opens a session with a hub (hello and version negotiation), sends utterances and
//! waits for their replies. It takes anything `Read + Write`: the `hearth-link` binary gives it
//! a serial port, the tests a pseudo-terminal. The stream should have a read timeout (a serial
//! port does): the client's own timeouts are checked each time a read returns.
#![deny(missing_docs)]

use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

use hearth_wire::io::Framed;
use hearth_wire::{ErrorCode, ErrorMessage, Event, Hello, MAX_FRAME, Message, Negotiated, Reply, Utterance};

/// What can go wrong while talking to a hub.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// Reading from or writing to the stream failed, or the stream ended.
    #[error("serial I/O failed")]
    Io(#[from] io::Error),
    /// The hub sent no answer in time.
    #[error("no {waiting_for} from the hub within {waited:?}{}", hub_said(last_hub_error))]
    Timeout {
        /// What the client was waiting for.
        waiting_for: &'static str,
        /// How long it waited.
        waited: Duration,
        /// The last error the hub sent without a request id while the client waited, which
        /// often tells why the request was lost.
        last_hub_error: Option<Box<ErrorMessage>>,
    },
    /// The hub answered the request with an error.
    #[error("the hub answered {}: {}", .0.code, .0.detail)]
    Hub(Box<ErrorMessage>),
    /// A message could not be built, or the versions did not match.
    #[error(transparent)]
    Wire(#[from] hearth_wire::Error),
    /// The utterance's frame is longer than the hub accepts.
    #[error("the utterance takes a {len}-byte frame; the hub accepts at most {max}")]
    TooLongForHub {
        /// The frame's length in bytes.
        len: usize,
        /// The hub's limit from its hello.
        max: usize,
    },
}

/// A session with a hub over a byte stream.
#[derive(Debug)]
pub struct Client<T> {
    framed: Framed<T>,
    hub: Hello,
    negotiated: Negotiated,
    timeout: Duration,
    next_id: u32,
    events: Vec<Event>,
    n_frame_errors: usize,
}

impl<T: Read + Write> Client<T> {
    /// Says hello as `agent` and waits up to `timeout` for the hub's hello; `timeout` is then
    /// the limit for each later answer too.
    pub fn connect(transport: T, agent: &str, timeout: Duration) -> Result<Self, LinkError> {
        let mut framed = Framed::new(transport);
        let ours = Hello::new(agent);
        framed.send(&Message::Hello(ours.clone()))?;
        let mut client = Client {
            framed,
            hub: ours.clone(),
            negotiated: Negotiated { version: ours.version, peer_max_frame: MAX_FRAME },
            timeout,
            next_id: 1,
            events: Vec::new(),
            n_frame_errors: 0,
        };
        let hub = client.wait_for("hello", |message| match message {
            Message::Hello(hello) => Some(Ok(hello)),
            // The hub cannot say which request an error about our hello answers.
            Message::Error(error) if error.code == ErrorCode::UNSUPPORTED_VERSION => {
                Some(Err(LinkError::Hub(Box::new(error))))
            }
            // Late answers from an earlier session, and errors about other frames.
            _ => None,
        })?;
        client.negotiated = hearth_wire::negotiate(&ours, &hub)?;
        client.hub = hub;
        Ok(client)
    }

    /// Sends `text` as said by `user` (empty for the hub's default user) and waits for the reply.
    pub fn ask(&mut self, user: &str, text: &str) -> Result<Reply, LinkError> {
        let id = self.take_id();
        let message = Message::Utterance(Utterance::new(id, user, text)?);
        let len = hearth_wire::encode_frame(&message, &mut [0u8; MAX_FRAME])?.len();
        if len > self.negotiated.peer_max_frame {
            return Err(LinkError::TooLongForHub { len, max: self.negotiated.peer_max_frame });
        }
        self.framed.send(&message)?;
        self.wait_for("reply", |message| match message {
            Message::Reply(reply) if reply.id == id => Some(Ok(reply)),
            Message::Error(error) if error.id == Some(id) => Some(Err(LinkError::Hub(Box::new(error)))),
            // Late answers to earlier requests, and errors about other frames.
            _ => None,
        })
    }

    /// Pings the hub and returns the round-trip time.
    pub fn ping(&mut self) -> Result<Duration, LinkError> {
        let id = self.take_id();
        let start = Instant::now();
        self.framed.send(&Message::Ping { id })?;
        self.wait_for("pong", |message| match message {
            Message::Pong { id: pong_id } if pong_id == id => Some(Ok(())),
            _ => None,
        })?;
        Ok(start.elapsed())
    }

    /// The hub's hello.
    pub fn hub(&self) -> &Hello {
        &self.hub
    }

    /// The negotiated version and the hub's frame limit.
    pub fn negotiated(&self) -> Negotiated {
        self.negotiated
    }

    /// Takes the events the hub sent so far.
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// How many frames from the hub could not be decoded and were skipped.
    pub fn frame_errors(&self) -> usize {
        self.n_frame_errors
    }

    /// The stream, to change its settings.
    pub fn transport_mut(&mut self) -> &mut T {
        self.framed.get_mut()
    }

    fn take_id(&mut self) -> u32 {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        id
    }

    /// Reads messages until `answer` returns `Some`, keeping events, answering pings and
    /// skipping broken frames, for at most the client's timeout.
    fn wait_for<R>(
        &mut self,
        waiting_for: &'static str,
        mut answer: impl FnMut(Message) -> Option<Result<R, LinkError>>,
    ) -> Result<R, LinkError> {
        let start = Instant::now();
        let mut last_hub_error = None;
        loop {
            if start.elapsed() >= self.timeout {
                return Err(LinkError::Timeout { waiting_for, waited: self.timeout, last_hub_error });
            }
            let message = match self.framed.recv() {
                Ok(Ok(message)) => message,
                Ok(Err(_)) => {
                    self.n_frame_errors += 1;
                    continue;
                }
                Err(error) if matches!(error.kind(), io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock) => continue,
                Err(error) => return Err(error.into()),
            };
            match message {
                Message::Event(event) => self.events.push(event),
                Message::Ping { id } => {
                    self.framed.send(&Message::Pong { id })?;
                }
                message => {
                    let unanswered_error = match &message {
                        Message::Error(error) if error.id.is_none() => Some(Box::new(error.clone())),
                        _ => None,
                    };
                    if let Some(result) = answer(message) {
                        return result;
                    }
                    if unanswered_error.is_some() {
                        last_hub_error = unanswered_error;
                    }
                }
            }
        }
    }
}

/// The hub's last error without id, as a note for a time-out message.
fn hub_said(last_hub_error: &Option<Box<ErrorMessage>>) -> String {
    match last_hub_error {
        Some(error) => format!(" (the hub last reported {}: {})", error.code, error.detail),
        None => String::new(),
    }
}
