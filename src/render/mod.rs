//! What every reporter shares: escaping by output context, and the frame of an HTML page.

pub mod escape;
pub mod page;
