//! `io::Framed` over a stream that times out between every few bytes, as a serial port does.

use std::collections::VecDeque;
use std::io::{self, Read, Write};

use hearth_wire::io::Framed;
use hearth_wire::{Error, Message, Utterance};

/// Gives out its bytes three at a time, with a time-out before each piece.
struct Trickle {
    bytes: VecDeque<u8>,
    timed_out: bool,
    written: Vec<u8>,
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.timed_out = !self.timed_out;
        if self.timed_out {
            return Err(io::ErrorKind::TimedOut.into());
        }
        let n = buf.len().min(3).min(self.bytes.len());
        for slot in &mut buf[..n] {
            *slot = self.bytes.pop_front().unwrap();
        }
        Ok(n)
    }
}

impl Write for Trickle {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.written.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn recv_resumes_after_time_outs_and_reports_the_end() -> Result<(), Error> {
    let messages =
        [Message::Ping { id: 1 }, Message::Utterance(Utterance::new(2, "ada", "lights off")?), Message::Pong { id: 3 }];
    let mut sender = Framed::new(Trickle { bytes: VecDeque::new(), timed_out: false, written: Vec::new() });
    for message in &messages {
        sender.send(message).unwrap();
    }
    let mut wire = sender.into_inner().written;
    wire.extend_from_slice(&[0x13, 0x37, 0x00]); // a junk frame at the end

    let mut receiver = Framed::new(Trickle { bytes: wire.into(), timed_out: false, written: Vec::new() });
    let mut received = Vec::new();
    let end = loop {
        match receiver.recv() {
            Ok(result) => received.push(result),
            Err(error) if error.kind() == io::ErrorKind::TimedOut => continue,
            Err(error) => break error,
        }
    };
    assert_eq!(end.kind(), io::ErrorKind::UnexpectedEof);
    assert_eq!(received.len(), 4);
    for (got, sent) in received.iter().zip(&messages) {
        assert_eq!(got.as_ref(), Ok(sent));
    }
    assert!(received[3].is_err());
    Ok(())
}
