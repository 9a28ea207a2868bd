//! What every reporter shares: escaping by output context, JSON rendered once and copied
//! (`fragment`), and the frame of an HTML page.

pub mod escape;
pub mod fragment;
pub mod page;
