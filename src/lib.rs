//! kgraph builds knowledge graphs from news and analysis articles: it tags every mention of
//! a curated dictionary's entities, links entities that occur together or that the text says
//! acted on each other, and writes the graph for Graphviz, Gephi and spreadsheets.
//!
//! The pipeline runs one way, and the modules are named after its stages:
//! [`corpus`] (documents) → [`text`] (normalisation, sentences) → [`tagger`] (mentions,
//! compiled from a [`dictionary`]) → [`relations`] → [`graph`] → [`export`].
//! [`pipeline`] runs the stages over a corpus.

pub mod analysis;
pub mod corpus;
pub mod coverage;
pub mod dictionary;
pub mod error;
pub mod export;
pub mod furniture;
pub mod graph;
pub mod pipeline;
pub mod relations;
pub mod tagger;
pub mod text;

pub use error::{Error, Result};

/// The README's code, compiled and run as a doctest so that it stays true.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
