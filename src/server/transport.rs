//! The stdio transport: `Content-Length` framed JSON-RPC, one reader and one writer
//! thread. Unlike `lsp_server::Connection::stdio`, a message that is not valid JSON-RPC
//! is logged and skipped instead of ending the session.

use std::io::{self, BufRead, Write};
use std::thread;

use crossbeam_channel::{unbounded, Receiver, Sender};
use lsp_server::Message;

/// What the reader hands the server: a message, or why a frame was not one.
pub enum Incoming {
    Message(Message),
    Malformed(String),
}

pub struct Transport {
    pub incoming: Receiver<Incoming>,
    pub outgoing: Sender<Message>,
    pub writer: thread::JoinHandle<()>,
}

pub fn stdio() -> Transport {
    let (incoming_sender, incoming) = unbounded();
    let (outgoing, outgoing_receiver) = unbounded::<Message>();
    // The reader blocks on stdin until the client closes it; it is never joined.
    thread::spawn(move || {
        let stdin = io::stdin();
        let mut input = stdin.lock();
        while let Ok(Some(frame)) = read_frame(&mut input) {
            let incoming = match frame {
                Ok(body) => match serde_json::from_slice::<Message>(&body) {
                    Ok(message) => Incoming::Message(message),
                    Err(error) => Incoming::Malformed(format!("not a JSON-RPC message: {error}")),
                },
                Err(message) => Incoming::Malformed(message),
            };
            if incoming_sender.send(incoming).is_err() {
                break;
            }
        }
    });
    let writer = thread::spawn(move || {
        let stdout = io::stdout();
        let mut output = stdout.lock();
        for message in outgoing_receiver {
            if message.write(&mut output).is_err() || output.flush().is_err() {
                break;
            }
        }
    });
    Transport {
        incoming,
        outgoing,
        writer,
    }
}

/// One frame's body; `Ok(None)` at the end of the input, `Ok(Some(Err))` for a frame
/// whose header is broken (the body, when its length is known, is skipped).
fn read_frame(input: &mut impl BufRead) -> io::Result<Option<Result<Vec<u8>, String>>> {
    let mut length: Option<usize> = None;
    let mut header_error = None;
    loop {
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if length.is_none() && header_error.is_none() {
                // A stray blank line between frames.
                continue;
            }
            break;
        }
        match line.split_once(':') {
            Some((name, value)) if name.eq_ignore_ascii_case("content-length") => {
                match value.trim().parse() {
                    Ok(value) => length = Some(value),
                    Err(_) => header_error = Some(format!("bad Content-Length `{}`", value.trim())),
                }
            }
            Some(_) => {}
            None => header_error = Some(format!("bad header line `{line}`")),
        }
    }
    let Some(length) = length else {
        return Ok(Some(Err(
            header_error.unwrap_or_else(|| "a frame without Content-Length".to_string())
        )));
    };
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    Ok(Some(match header_error {
        Some(error) => Err(error),
        None => Ok(body),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_read_and_broken_ones_reported() {
        let mut input = io::Cursor::new(
            b"Content-Length: 2\r\n\r\n{}Content-Length: x\r\n\r\nContent-Length: 4\r\n\r\nnull"
                .to_vec(),
        );
        assert_eq!(read_frame(&mut input).unwrap(), Some(Ok(b"{}".to_vec())));
        assert!(matches!(read_frame(&mut input).unwrap(), Some(Err(_))));
        assert_eq!(read_frame(&mut input).unwrap(), Some(Ok(b"null".to_vec())));
        assert_eq!(read_frame(&mut input).unwrap(), None);
    }
}
