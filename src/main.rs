//! The `kgraph` command line.

fn main() {
    println!("kgraph");
}
