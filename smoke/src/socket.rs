//! One WebSocket of the smoke conversation: frames out, frames in, each wait bounded, and
//! every frame counted in the [`Tally`]. Errors name what was awaited and the frame types seen
//! meanwhile, never a frame's words.

use crate::tally::{Side, Tally};
use anyhow::{anyhow, bail, Context};
use futures::{SinkExt, StreamExt};
use serde_json::Value;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub struct Socket {
    ws: Ws,
    side: Side,
    tally: Tally,
    timeout: Duration,
    /// Frames received and not yet asked for.
    pending: Vec<Value>,
}

impl Socket {
    /// Opens a socket; `url` is not repeated in an error (an operator's holds the token).
    pub async fn open(
        url: &str,
        side: Side,
        tally: &Tally,
        timeout: Duration,
    ) -> anyhow::Result<Self> {
        let (ws, _) = tokio::time::timeout(timeout, tokio_tungstenite::connect_async(url))
            .await
            .map_err(|_| anyhow!("timed out after {} s opening the socket", timeout.as_secs()))?
            .map_err(|e| anyhow!("the socket was refused: {}", without_url(&e)))?;
        tally.socket_opened(side);
        Ok(Self {
            ws,
            side,
            tally: tally.clone(),
            timeout,
            pending: Vec::new(),
        })
    }

    pub async fn send(&mut self, frame: Value) -> anyhow::Result<()> {
        self.ws
            .send(Message::Text(frame.to_string().into()))
            .await
            .context("the socket failed while sending")?;
        self.tally.frame_sent(self.side);
        Ok(())
    }

    /// Sends a message (in `chat`, for an operator) and waits for its acknowledgement.
    pub async fn say(&mut self, chat: Option<&str>, id: &str, text: &str) -> anyhow::Result<Value> {
        let mut frame = serde_json::json!({"action": "send", "clientMessageId": id, "text": text});
        if let Some(chat) = chat {
            frame["chatId"] = serde_json::json!(chat);
        }
        self.send(frame).await?;
        self.expect("ack", |f| f["type"] == "ack" && f["clientMessageId"] == id)
            .await
    }

    /// The next frame that `pred` accepts (the others are kept for later); `what` names it in
    /// the error after the step's timeout.
    pub async fn expect(
        &mut self,
        what: &str,
        pred: impl Fn(&Value) -> bool,
    ) -> anyhow::Result<Value> {
        if let Some(i) = self.pending.iter().position(&pred) {
            return Ok(self.pending.remove(i));
        }
        let deadline = Instant::now() + self.timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let frame = match tokio::time::timeout(left, self.ws.next()).await {
                Err(_) => bail!(
                    "timed out after {} s waiting for `{what}`{}",
                    self.timeout.as_secs(),
                    self.seen()
                ),
                Ok(None) | Ok(Some(Ok(Message::Close(_)))) => {
                    bail!(
                        "the socket closed while waiting for `{what}`{}",
                        self.seen()
                    )
                }
                Ok(Some(Err(e))) => bail!("the socket failed while waiting for `{what}`: {e}"),
                Ok(Some(Ok(Message::Text(t)))) => {
                    self.tally.frame_received(self.side);
                    serde_json::from_str::<Value>(&t).map_err(|_| {
                        anyhow!("a frame that is not JSON while waiting for `{what}`")
                    })?
                }
                Ok(Some(Ok(_))) => continue,
            };
            if frame["v"] != 1 {
                bail!(
                    "a frame of protocol version {} while waiting for `{what}`",
                    frame["v"]
                );
            }
            if pred(&frame) {
                return Ok(frame);
            }
            self.pending.push(frame);
        }
    }

    /// The next frame of a type; an `error` frame meanwhile fails at once, with its code.
    pub async fn expect_type(&mut self, ty: &str) -> anyhow::Result<Value> {
        let frame = self
            .expect(ty, |f| f["type"] == ty || f["type"] == "error")
            .await?;
        if frame["type"] == "error" {
            bail!(
                "an error `{}` instead of `{ty}`",
                frame["code"].as_str().unwrap_or("?")
            );
        }
        Ok(frame)
    }

    /// The types (and error codes) of the frames seen and not used: what was there instead.
    fn seen(&self) -> String {
        if self.pending.is_empty() {
            return "; nothing else arrived".into();
        }
        let types: Vec<String> = self
            .pending
            .iter()
            .map(|f| {
                match (
                    f["type"].as_str(),
                    f["code"].as_str(),
                    f["event"]["event"].as_str(),
                ) {
                    (Some(t), Some(code), _) => format!("{t} {code}"),
                    (Some(t), None, Some(event)) => format!("{t} {event}"),
                    (Some(t), None, None) => t.to_owned(),
                    (None, ..) => "?".to_owned(),
                }
            })
            .collect();
        format!("; got meanwhile: {}", types.join(", "))
    }

    pub async fn close(mut self) {
        let _ = tokio::time::timeout(self.timeout, self.ws.close(None)).await;
        self.tally.socket_closed(self.side);
    }
}

/// A connection error without the address it was for (which may carry a token).
fn without_url(e: &tokio_tungstenite::tungstenite::Error) -> String {
    use tokio_tungstenite::tungstenite::Error;
    match e {
        Error::Http(response) => format!("HTTP {}", response.status()),
        Error::Url(_) => "the address is not a WebSocket URL".into(),
        Error::Io(io) => format!("{}", io.kind()),
        other => other.to_string(),
    }
}
