//! Stated relations between entities: what the text says one did to another.
//!
//! This module owns [`RelationKey`], the identity of a relation edge (subject, object, type
//! and flags) under which statements are counted in [`crate::graph::PartialGraph`].
//! Extraction of relations from sentences is built on top of it.

use crate::graph::RelationAttrs;

/// The identity of a relation edge: statements with equal keys merge into one edge.
/// Ordered by subject, object, then relation type and flags, which is the export order
/// (entity indices follow id order).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RelationKey {
    /// The subject's entity index.
    pub subject: u32,
    /// The object's entity index.
    pub object: u32,
    /// The relation type and flags.
    pub attrs: RelationAttrs,
}
