//! What every reporter shares: escaping by output context.

pub mod escape;
