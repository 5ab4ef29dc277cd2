//! The tagger and the relation rules, with a small fixed dictionary, on any text. The
//! first byte picks the document's date, the tagging options and the window.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    kgraph_fuzz::check_tagging(flags, &String::from_utf8_lossy(rest));
});
