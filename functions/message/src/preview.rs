//! The operator's reply as the citizen will read it, before it is sent: translated with the
//! same providers the translate function uses, and nothing stored or sent to the citizen.

use bluelamp::domain::{Chat, ClientMessageId, LanguageCode, MessageText};
use bluelamp::protocol::ServerFrame;
use bluelamp::translation::{Translation, Translator};

/// Previews `text` (written in English) in the chat's language. A failed translation is not an
/// error for the operator, only a preview they cannot have: the frame says so and the reply
/// can still be sent (it is then delivered "translation unavailable" and retried, as always).
pub async fn preview(
    translator: &dyn Translator,
    chat: &Chat,
    preview_id: ClientMessageId,
    text: &MessageText,
) -> ServerFrame {
    let english = LanguageCode::english();
    let target = &chat.language;
    let translated = if target.same_language(&english) {
        Ok(Translation::unchanged(text.as_str()))
    } else {
        translator.translate(text.as_str(), &english, target).await
    };
    let (text_out, machine_translated, translation_unavailable) = match translated {
        Ok(t) => {
            let machine = t.is_machine_translation();
            (Some(t.text), machine, false)
        }
        Err(e) => {
            // The error carries no text; the chat id says where.
            tracing::warn!(chat_id = %chat.id, error = %e, "no preview of a reply");
            (None, false, true)
        }
    };
    ServerFrame::Preview {
        chat_id: chat.id.clone(),
        preview_id,
        language: target.clone(),
        text: text_out,
        machine_translated,
        translation_unavailable,
    }
}
