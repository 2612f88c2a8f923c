//! Reading lines from a byte stream that may hold anything: invalid UTF-8,
//! carriage returns, NUL bytes, or a line of gigabytes.

use std::io::BufRead;

/// The longest line kept, in bytes; the rest of a longer line is skipped.
pub const MAX_LINE_BYTES: usize = 16 * 1024;

/// One read from a [`LineReader`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// A line, without its ending; invalid UTF-8 is replaced by U+FFFD.
    Text(String),
    /// A line longer than [`MAX_LINE_BYTES`], skipped; its length in bytes.
    TooLong(usize),
    /// The end of input.
    End,
}

/// Splits a byte stream into lines ending in LF, CRLF or CR, holding at most
/// [`MAX_LINE_BYTES`] of any line in memory.
pub struct LineReader<R> {
    input: R,
    skip_lf: bool,
}

impl<R: BufRead> LineReader<R> {
    /// Reads from `input`.
    pub fn new(input: R) -> Self {
        LineReader { input, skip_lf: false }
    }

    /// The next line.
    pub fn next_line(&mut self) -> std::io::Result<Line> {
        let mut line: Vec<u8> = Vec::new();
        let mut length = 0usize;
        loop {
            let buffer = match self.input.fill_buf() {
                Ok(buffer) => buffer,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buffer.is_empty() {
                return Ok(if length == 0 { Line::End } else { finish(line, length) });
            }
            let mut used = 0;
            if self.skip_lf {
                self.skip_lf = false;
                if buffer[0] == b'\n' {
                    self.input.consume(1);
                    continue;
                }
            }
            let mut ended = false;
            for &byte in buffer {
                used += 1;
                if byte == b'\n' || byte == b'\r' {
                    self.skip_lf = byte == b'\r';
                    ended = true;
                    break;
                }
                length += 1;
                if line.len() < MAX_LINE_BYTES {
                    line.push(byte);
                }
            }
            self.input.consume(used);
            if ended {
                return Ok(finish(line, length));
            }
        }
    }
}

fn finish(line: Vec<u8>, length: usize) -> Line {
    if length > MAX_LINE_BYTES {
        return Line::TooLong(length);
    }
    Line::Text(String::from_utf8_lossy(&line).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8]) -> Vec<Line> {
        let mut reader = LineReader::new(std::io::BufReader::with_capacity(7, bytes));
        let mut lines = Vec::new();
        loop {
            let line = reader.next_line().unwrap();
            if line == Line::End {
                return lines;
            }
            lines.push(line);
        }
    }

    #[test]
    fn endings_invalid_bytes_and_long_lines() {
        let text = |s: &str| Line::Text(s.to_string());
        assert_eq!(read_all(b"a\r\nb\rc\n\nd"), vec![text("a"), text("b"), text("c"), text(""), text("d")]);
        assert_eq!(read_all(b"ok \xff\xfe\n"), vec![text("ok \u{fffd}\u{fffd}")]);
        let mut long = vec![b'x'; MAX_LINE_BYTES + 10];
        long.extend_from_slice(b"\nnext\n");
        assert_eq!(read_all(&long), vec![Line::TooLong(MAX_LINE_BYTES + 10), text("next")]);
        assert_eq!(read_all("打开灯\n".as_bytes()), vec![text("打开灯")]);
    }
}
