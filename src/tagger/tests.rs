//! Table-driven tests of the matcher: a case is a dictionary, a text and the mentions expected.
