//! The `faq-reply` Lambda: placeholder until the stream consumer is wired.

fn main() {}
