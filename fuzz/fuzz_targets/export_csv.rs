//! The CSV writers, on graphs whose labels and attributes come from the input.
#![no_main]

use kgraph_fuzz::{GraphSpec, check_csv, graph_from};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|spec: GraphSpec| {
    let g = graph_from(&spec);
    let opts = spec.options();
    let (mut nodes, mut edges) = (Vec::new(), Vec::new());
    kgraph::export::csv::write_nodes(&g, &opts, &mut nodes).expect("writing to memory");
    kgraph::export::csv::write_edges(&g, &opts, &mut edges).expect("writing to memory");
    check_csv(&nodes, &edges, &g, &opts);
});
