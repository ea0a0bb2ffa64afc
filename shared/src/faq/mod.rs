//! The FAQ bot: knowledge base, matching, emergency detection (issue 3).
