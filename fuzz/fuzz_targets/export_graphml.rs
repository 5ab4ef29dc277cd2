//! The GraphML writer, on graphs whose labels and attributes come from the input.
#![no_main]

use kgraph_fuzz::{GraphSpec, check_graphml, graph_from};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|spec: GraphSpec| {
    let g = graph_from(&spec);
    let opts = spec.options();
    let mut out = Vec::new();
    kgraph::export::graphml::write_graphml(&g, &opts, &mut out).expect("writing to memory");
    check_graphml(&out, &g, &opts);
});
