//! The library's one error type.
//!
//! Every error is a value that names where it happened: the file, and the line or JSON path
//! inside it when there is one. Messages are lower case with no trailing period, and a cause
//! is printed once (by the binary, which walks `source()`), never repeated in the message.
//! This module owns the error enum only; turning errors into exit codes is the binary's job.

use std::io;
use std::path::PathBuf;

/// Where in an input a problem sits: a file (or `<stdin>`, `<embedded>`) and, when known, a
/// 1-based line number or a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file name as the user gave it, `<stdin>` or `<embedded>`.
    pub file: String,
    /// 1-based line, when the format has lines (CSV, JSON Lines, JSON parse errors).
    pub line: Option<u64>,
    /// A JSON path such as `entities[3].aliases[1]`, when the error is structural.
    pub path: Option<String>,
}

impl Location {
    /// A location that names only a file.
    pub fn file(file: impl Into<String>) -> Self {
        Location {
            file: file.into(),
            line: None,
            path: None,
        }
    }

    /// A location in a file at a 1-based line.
    pub fn line(file: impl Into<String>, line: u64) -> Self {
        Location {
            file: file.into(),
            line: Some(line),
            path: None,
        }
    }

    /// A location in a file at a JSON path, with the line when it is known.
    pub fn json(file: impl Into<String>, line: Option<u64>, path: impl Into<String>) -> Self {
        Location {
            file: file.into(),
            line,
            path: Some(path.into()),
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(path) = &self.path {
            write!(f, ": {path}")?;
        }
        Ok(())
    }
}

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or directory could not be read or written.
    #[error("{}", path.display())]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// An input document is malformed (bad JSON Lines record, invalid UTF-8, ...).
    #[error("{at}: {message}")]
    Input {
        /// Where.
        at: Location,
        /// What is wrong.
        message: String,
    },
    /// A dictionary or rule file is malformed or fails validation.
    #[error("{at}: {message}")]
    Dictionary {
        /// Where.
        at: Location,
        /// What is wrong.
        message: String,
    },
    /// Writing an output failed.
    #[error("cannot write {what}")]
    Output {
        /// The output (a path or `stdout`).
        what: String,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// The configuration does not make sense (an unknown format, a bad option value).
    #[error("{0}")]
    Config(String),
}

impl Error {
    /// An input error at a location.
    pub fn input(at: Location, message: impl Into<String>) -> Self {
        Error::Input {
            at,
            message: message.into(),
        }
    }

    /// A dictionary error at a location.
    pub fn dictionary(at: Location, message: impl Into<String>) -> Self {
        Error::Dictionary {
            at,
            message: message.into(),
        }
    }

    /// An I/O error on a path.
    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

impl Error {
    /// The message with its causes, each printed once: `a: b: c`.
    pub fn chain(&self) -> String {
        let mut out = self.to_string();
        let mut source = std::error::Error::source(self);
        while let Some(s) = source {
            out.push_str(": ");
            out.push_str(&s.to_string());
            source = s.source();
        }
        out
    }

    /// Whether the root cause is a closed pipe (the reader of our output went away).
    pub fn is_broken_pipe(&self) -> bool {
        let mut source = std::error::Error::source(self);
        while let Some(s) = source {
            if let Some(io) = s.downcast_ref::<io::Error>() {
                if io.kind() == io::ErrorKind::BrokenPipe {
                    return true;
                }
                // The CSV writer wraps the pipe's error in its own.
                if let Some(csv::ErrorKind::Io(inner)) = io
                    .get_ref()
                    .and_then(|e| e.downcast_ref::<csv::Error>())
                    .map(csv::Error::kind)
                {
                    if inner.kind() == io::ErrorKind::BrokenPipe {
                        return true;
                    }
                }
            }
            source = s.source();
        }
        false
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
