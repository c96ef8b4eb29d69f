//! Settings every command may read, set once from the global flags.

use govpress::Lang;

#[derive(Debug, Clone, Copy)]
pub struct Globals {
    pub lang: Lang,
    pub quiet: bool,
}
