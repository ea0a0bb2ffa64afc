//! Transcripts sent in one frame (on resume, on claim, on request) are cut to fit API
//! Gateway's 32 KB frame limit; the client asks for the rest with `history`.

use crate::domain::{ChatMessage, LanguageCode, Side};
use crate::protocol::MessageView;

/// Room for message views in one frame, leaving space for the envelope.
pub const TRANSCRIPT_BUDGET_BYTES: usize = 24 * 1024;

/// The longest prefix of `messages` (as a reader on `side` in `language` sees them) that fits
/// the budget, and whether messages were left out. Events meant for the other side only are
/// not shown.
pub fn fit_transcript(
    messages: &[ChatMessage],
    side: Side,
    reader: &LanguageCode,
    budget: usize,
) -> (Vec<MessageView>, bool) {
    let mut used = 0;
    let mut out = Vec::new();
    for m in messages.iter().filter(|m| m.visible_to(side)) {
        let view = MessageView::for_reader(m, reader);
        let size = serde_json::to_vec(&view)
            .map(|v| v.len() + 1)
            .unwrap_or(budget);
        if used + size > budget {
            return (out, true);
        }
        used += size;
        out.push(view);
    }
    (out, false)
}
