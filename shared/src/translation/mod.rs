//! Translation: the Translator port, its providers and the language table (issue 4).
