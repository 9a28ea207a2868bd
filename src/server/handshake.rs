//! The start of a session: the client's `initialize` request, the server's answer, and the
//! client's `initialized` notification. lsp-server has these steps too, but it panics when the
//! client has stopped reading (its answers are sent with `unwrap`) and echoes a whole early
//! request back in its error. Here a client that goes away at any step ends the session
//! quietly, and an early request is answered with its method alone.

use lsp_server::{Connection, ErrorCode, Message, RequestId, Response};

/// Wait for `initialize`; its id and parameters, or `None` when the client went away or
/// exited first. Requests before it are refused, as the protocol asks; notifications ignored.
pub fn start(connection: &Connection) -> Option<(RequestId, serde_json::Value)> {
    loop {
        match connection.receiver.recv().ok()? {
            Message::Request(req) if req.method == "initialize" => {
                return Some((req.id, req.params));
            }
            Message::Request(req) => refuse_early(connection, &req, "initialize")?,
            Message::Notification(n) if n.method == "exit" => return None,
            Message::Notification(_) | Message::Response(_) => {}
        }
    }
}

/// Answer `initialize` with `result`, and wait for `initialized`; `None` when the client went
/// away (stopped reading or writing) or exited first.
pub fn finish(connection: &Connection, id: RequestId, result: serde_json::Value) -> Option<()> {
    connection
        .sender
        .send(Response::new_ok(id, result).into())
        .ok()?;
    loop {
        match connection.receiver.recv().ok()? {
            Message::Notification(n) if n.method == "initialized" => return Some(()),
            Message::Notification(n) if n.method == "exit" => return None,
            Message::Request(req) => refuse_early(connection, &req, "initialized")?,
            Message::Notification(_) | Message::Response(_) => {}
        }
    }
}

/// Refuse a request that came before the handshake ended, naming its method (cut short: a
/// client may send megabytes) and the message it must wait for. `None` when the client went
/// away.
fn refuse_early(connection: &Connection, req: &lsp_server::Request, waits_for: &str) -> Option<()> {
    let method: String = req.method.chars().take(100).collect();
    let answer = Response::new_err(
        req.id.clone(),
        ErrorCode::ServerNotInitialized as i32,
        format!("the server is not initialised yet: {method} must wait for `{waits_for}`"),
    );
    connection.sender.send(answer.into()).ok()
}
