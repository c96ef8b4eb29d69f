//! WebAssembly facade over the govpress core (bindings come with the browser checker).
pub use govpress::Checker;
