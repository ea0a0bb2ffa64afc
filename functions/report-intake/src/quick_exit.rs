//! `POST /chat/quick-exit`: "Leave the site" when the widget's socket is down. The widget's
//! page is being replaced, so it sends the resume token with `navigator.sendBeacon` as
//! `text/plain` (no preflight; the beacon outlives the page). The answer is `204` for any
//! well-formed token, so it says nothing about which chats exist.

use crate::problem::{no_content, Problem};
use crate::Deps;
use bluelamp::chat::{quick_exit, QuickExit, ResumeToken};
use lambda_http::{Body, Request, Response};
use serde::Deserialize;

/// A token and its envelope fit easily; anything bigger is not from the widget.
const MAX_BODY_BYTES: usize = 1024;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct QuickExitBody {
    resume_token: String,
}

pub(crate) async fn serve(deps: &Deps, req: &Request) -> Response<Body> {
    let Some(chats) = &deps.chats else {
        return Problem::not_found().into_response();
    };
    let body: &[u8] = req.body().as_ref();
    if body.len() > MAX_BODY_BYTES {
        return Problem::too_large().into_response();
    }
    // A JSON object: serde would also read the struct from an array (`["..."]`), which the
    // document does not allow.
    let token = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(body)
        .ok()
        .and_then(|object| serde_json::from_value::<QuickExitBody>(object.into()).ok())
        .and_then(|b| ResumeToken::parse(&b.resume_token).ok());
    let Some(token) = token else {
        return Problem::malformed_quick_exit().into_response();
    };
    match quick_exit(chats, &token).await {
        Ok(outcome) => {
            if outcome == QuickExit::Ended {
                tracing::info!(chat_id = %token.chat_id, "chat ended by quick exit (beacon)");
            }
            no_content()
        }
        Err(e) => {
            tracing::error!(error = ?e, "quick exit could not end the chat");
            Problem::unavailable().into_response()
        }
    }
}
