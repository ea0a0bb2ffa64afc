//! placeholder

pub mod signin;
