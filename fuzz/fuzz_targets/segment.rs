//! Normalisation and sentence splitting, on any text (invalid UTF-8 decoded the way the
//! corpus reader does it).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    kgraph_fuzz::check_segments(&String::from_utf8_lossy(data));
});
