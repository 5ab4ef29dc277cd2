//! The CSV dictionary loader, on any text.
#![no_main]

use kgraph_fuzz::{DictFormat, check_dictionary};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        check_dictionary(text, DictFormat::Csv);
    }
});
