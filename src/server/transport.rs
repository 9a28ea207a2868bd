//! The stdio transport: LSP messages framed by `Content-Length` headers, read and written on
//! two threads, as [`lsp_server::Connection`] channels.
//!
//! lsp-server has a transport of its own, but it allocates whatever a `Content-Length` header
//! asks for, and it stops reading at the first message that is not JSON. This one refuses a
//! message over [`MAX_MESSAGE`] (reading past it without keeping it), skips a message it cannot
//! parse, and tells the main loop about both, so that no client, however broken, can make the
//! server allocate without bound or stop answering.

use std::io::{self, BufRead, Read, Write};
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender, bounded, unbounded};
use lsp_server::{Connection, Message};

/// The largest message read: eight times the default file-size limit, so a document the linter
/// would refuse as too large still arrives, and is reported as such.
pub const MAX_MESSAGE: usize = 64 * 1024 * 1024;

/// Something the reader could not turn into a message.
#[derive(Debug)]
pub enum Refused {
    /// The message was larger than [`MAX_MESSAGE`] bytes; it was skipped.
    TooLarge(usize),
    /// The message was not a JSON-RPC message; it was skipped.
    Malformed(String),
}

/// The transport's threads, and what the reader refused.
pub struct Transport {
    pub connection: Connection,
    pub refused: Receiver<Refused>,
    reader: JoinHandle<()>,
    writer: JoinHandle<()>,
}

impl Transport {
    /// Wait for the writer to send what is queued. The reader is not waited for: after `exit`
    /// nothing it could still read matters, and it may be blocked on a read that never ends.
    pub fn finish(self) {
        let Transport {
            connection,
            reader,
            writer,
            ..
        } = self;
        drop(connection);
        let _ = writer.join();
        drop(reader);
    }
}

/// Start the transport over the process's standard input and output.
pub fn stdio() -> io::Result<Transport> {
    let (to_server, from_client) = bounded::<Message>(0);
    let (to_client, outgoing) = unbounded::<Message>();
    let (refused_tx, refused) = unbounded::<Refused>();
    let reader = std::thread::Builder::new()
        .name("lsp-reader".into())
        .spawn(move || {
            let stdin = io::stdin();
            read_loop(&mut stdin.lock(), &to_server, &refused_tx);
        })?;
    let writer = std::thread::Builder::new()
        .name("lsp-writer".into())
        .spawn(move || {
            let stdout = io::stdout();
            let mut out = stdout.lock();
            for message in outgoing {
                if message.write(&mut out).is_err() {
                    break;
                }
            }
            let _ = out.flush();
        })?;
    Ok(Transport {
        connection: Connection {
            sender: to_client,
            receiver: from_client,
        },
        refused,
        reader,
        writer,
    })
}

/// Read messages until the input ends, the server hangs up, or `exit` arrives.
pub fn read_loop(input: &mut impl BufRead, to_server: &Sender<Message>, refused: &Sender<Refused>) {
    loop {
        let length = match header(input) {
            Ok(Some(n)) => n,
            // A broken header is reported and skipped: the next `Content-Length` line, even
            // one glued to the end of a body, starts the next message.
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                if refused.send(Refused::Malformed(e.to_string())).is_err() {
                    return;
                }
                continue;
            }
            Ok(None) | Err(_) => return,
        };
        if length > MAX_MESSAGE {
            // Read past the body in small pieces: nothing of it is kept.
            let skipped = io::copy(&mut input.by_ref().take(length as u64), &mut io::sink());
            if skipped.map_or(true, |n| n < length as u64)
                || refused.send(Refused::TooLarge(length)).is_err()
            {
                return;
            }
            continue;
        }
        let mut body = vec![0u8; length];
        if input.read_exact(&mut body).is_err() {
            return;
        }
        match serde_json::from_slice::<Message>(&body) {
            Ok(message) => {
                let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                if to_server.send(message).is_err() || exit {
                    return;
                }
            }
            Err(e) => {
                if refused.send(Refused::Malformed(e.to_string())).is_err() {
                    return;
                }
            }
        }
    }
}

/// Read one message's headers; its `Content-Length`, or `None` at the end of the input. A
/// header line is at most 1 KiB; headers other than the length are ignored.
fn header(input: &mut impl BufRead) -> io::Result<Option<usize>> {
    let mut length = None;
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = input.by_ref().take(1024).read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(None);
        }
        if !line.ends_with(b"\n") {
            // Skip the rest of the line, a KiB at a time, keeping none of it.
            loop {
                line.clear();
                let n = input.by_ref().take(1024).read_until(b'\n', &mut line)?;
                if n == 0 || line.ends_with(b"\n") {
                    break;
                }
            }
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "a header line over 1 KiB was skipped",
            ));
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if length.is_some() {
                return Ok(length);
            }
            // Blank lines between messages are tolerated.
            continue;
        }
        // The header may follow the remains of a skipped message on the same line.
        const NAME: &str = "content-length:";
        if let Some(at) = text.to_ascii_lowercase().rfind(NAME) {
            let value = text[at + NAME.len()..].trim();
            length = Some(value.parse::<usize>().map_err(|_| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "a message whose Content-Length `{}` is not a number was skipped",
                        value.chars().take(40).collect::<String>()
                    ),
                )
            })?);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn a_broken_header_is_skipped_and_the_next_message_read() {
        let mut input = String::new();
        input.push_str("Content-Length: abc\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"a\"}");
        input.push_str(&frame(r#"{"jsonrpc":"2.0","method":"b"}"#));
        input.push_str("Content-Length: -5\r\n\r\n");
        input.push_str(&format!("X-Long: {}\r\n", "y".repeat(5000)));
        input.push_str(&frame(r#"{"jsonrpc":"2.0","method":"c"}"#));
        input.push_str(&frame(r#"{"jsonrpc":"2.0","method":"exit"}"#));
        let (tx, rx) = unbounded();
        let (rtx, rrx) = unbounded();
        read_loop(&mut input.as_bytes(), &tx, &rtx);
        let methods: Vec<String> = rx
            .try_iter()
            .filter_map(|m| match m {
                Message::Notification(n) => Some(n.method),
                _ => None,
            })
            .collect();
        assert_eq!(methods, ["b", "c", "exit"]);
        assert_eq!(rrx.try_iter().count(), 3);
    }

    #[test]
    fn skips_what_it_cannot_read_and_goes_on() {
        let huge = format!("Content-Length: {}\r\n\r\n", MAX_MESSAGE + 10);
        let mut input = huge.into_bytes();
        input.extend(std::iter::repeat_n(b' ', MAX_MESSAGE + 10));
        input.extend(frame("{not json").into_bytes());
        input.extend(frame(r#"{"jsonrpc":"2.0","method":"exit"}"#).into_bytes());
        let (tx, rx) = unbounded();
        let (rtx, rrx) = unbounded();
        read_loop(&mut io::Cursor::new(input), &tx, &rtx);
        let refused: Vec<Refused> = rrx.try_iter().collect();
        assert!(matches!(refused[0], Refused::TooLarge(_)), "{refused:?}");
        assert!(matches!(refused[1], Refused::Malformed(_)), "{refused:?}");
        let got: Vec<Message> = rx.try_iter().collect();
        assert!(matches!(&got[..], [Message::Notification(n)] if n.method == "exit"));
    }
}
