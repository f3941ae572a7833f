//! A survival-analysis engine that gives the same numbers as R's `survival`
//! package.
//!
//! It takes plain columns (times as `&[f64]`, events as `&[bool]`, group labels)
//! and returns plain structs. It knows nothing of any particular cohort, reads no
//! files and depends on no other crate of this workspace.

#![deny(missing_docs)]
