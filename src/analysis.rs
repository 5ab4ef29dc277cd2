//! Node metrics that analysts sort by: degree, weighted degree, PageRank, betweenness and
//! community.
//!
//! This module owns the metrics computed over a finished [`KnowledgeGraph`] and the
//! options that bound their cost ([`AnalysisOptions`]). It reads the graph and never changes
//! it; the per-node counts the graph already holds (mentions, documents, windows) stay on
//! [`crate::graph::Node`], and writing the metrics out is the exporters' job.
//!
//! Every metric is computed on the co-occurrence graph alone: undirected, simple, with the
//! edge weight (windows holding both entities) as the strength of a tie. Relation edges are
//! ignored, because they are sparse, directed and typed, and mixing them in would count the
//! same sentence twice. Every node of the graph takes part, including nodes with no
//! co-occurrence edge (they are isolated here).
//!
//! The definitions follow NetworkX, so that numbers can be checked against it and mean what
//! analysts expect from Gephi and NetworkX:
//!
//! - PageRank: `nx.pagerank(G, alpha=0.85, weight="weight")`, converged to a tolerance of
//!   1e-10 per node.
//! - Betweenness: `nx.betweenness_centrality(G, normalized=True)`, and a weighted variant
//!   with distance = 1/weight (a strong tie is a short one), as NetworkX computes with
//!   `weight="distance"`. Path lengths are compared by exact floating-point equality, as
//!   NetworkX does, so the same ties count as equal-length paths.
//! - Community: Louvain modularity maximisation (weighted, resolution 1), made
//!   deterministic: nodes are visited in index order, ties go to the lowest community, and
//!   gains are compared in exact integer arithmetic, so that rounding cannot decide a move.
//!   Modularity is `networkx.algorithms.community.modularity(G, communities)`.
//!
//! Results do not depend on the number of threads: betweenness sums per-source
//! contributions in a fixed grouping and order, and PageRank computes every node's new rank
//! from its own neighbours in a fixed order.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rayon::prelude::*;

use crate::graph::{EdgeKind, KnowledgeGraph};

/// What to compute, and the limits that keep the analysis affordable on large graphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnalysisOptions {
    /// Compute betweenness centrality (default true).
    pub betweenness: bool,
    /// Skip betweenness on graphs with more nodes than this (default 5000). Betweenness
    /// costs a shortest-path search from every node, O(nodes × edges) unweighted and more
    /// with weights, so on a large graph it would take far longer than everything else.
    pub betweenness_max_nodes: usize,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions {
            betweenness: true,
            betweenness_max_nodes: 5000,
        }
    }
}

/// The metrics of one node, all computed on the co-occurrence graph.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NodeMetrics {
    /// The number of distinct co-occurrence neighbours.
    pub degree: usize,
    /// The sum of the weights of the node's co-occurrence edges.
    pub weighted_degree: f64,
    /// Weighted PageRank, damping 0.85; the ranks of all nodes sum to 1.
    pub pagerank: f64,
    /// Betweenness centrality over hop counts, normalised to [0, 1] by the number of node
    /// pairs that do not include the node. NaN when betweenness was skipped.
    pub betweenness: f64,
    /// Betweenness centrality with distance = 1/weight, normalised the same way. NaN when
    /// betweenness was skipped.
    pub betweenness_weighted: f64,
    /// The node's community: 0 holds the first node, 1 the first node not in 0, and so on.
    /// An isolated node is a community of its own.
    pub community: usize,
}

/// The metrics of a whole graph.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// One entry per node, in the graph's node order (`graph.node_indices()`).
    pub nodes: Vec<NodeMetrics>,
    /// The modularity of the community partition (0 for a graph without co-occurrence
    /// edges).
    pub modularity: f64,
    /// The number of communities, isolated nodes included (labels run from 0 to
    /// `communities - 1`).
    pub communities: usize,
    /// Whether betweenness was computed; when false, both betweenness fields are NaN.
    pub betweenness_computed: bool,
}

/// Computes the metrics and stores them on the graph: each node's `metrics` and the graph's
/// `modularity`, so that every exporter writes them.
pub fn annotate(g: &mut KnowledgeGraph, options: &AnalysisOptions) {
    let analysis = analyse_with(g, options);
    let indices: Vec<_> = g.graph.node_indices().collect();
    for (i, m) in indices.into_iter().zip(analysis.nodes) {
        g.graph[i].metrics = Some(m);
    }
    g.modularity = Some(analysis.modularity);
}

/// Analyses a graph with the default options (see [`AnalysisOptions`]).
pub fn analyse(g: &KnowledgeGraph) -> Analysis {
    analyse_with(g, &AnalysisOptions::default())
}

/// Analyses a graph: degree, weighted degree, PageRank, betweenness (unless the options
/// skip it) and communities, on the co-occurrence edges.
pub fn analyse_with(g: &KnowledgeGraph, options: &AnalysisOptions) -> Analysis {
    let adj = Adjacency::cooccurrence(g);
    let n = adj.len();
    let pagerank = pagerank(&adj);
    let betweenness_computed = options.betweenness && n <= options.betweenness_max_nodes;
    let (betweenness, betweenness_weighted) = if betweenness_computed {
        betweenness(&adj)
    } else {
        (vec![f64::NAN; n], vec![f64::NAN; n])
    };
    let community = louvain(&adj);
    let communities = community.iter().max().map_or(0, |&c| c + 1);
    let modularity = modularity(&adj, &community);
    let nodes = (0..n)
        .map(|u| NodeMetrics {
            degree: adj.neighbours(u).len(),
            weighted_degree: adj.weights(u).iter().map(|&w| w as f64).sum(),
            pagerank: pagerank[u],
            betweenness: betweenness[u],
            betweenness_weighted: betweenness_weighted[u],
            community: community[u],
        })
        .collect();
    Analysis {
        nodes,
        modularity,
        communities,
        betweenness_computed,
    }
}

/// The co-occurrence graph as compressed adjacency lists: every undirected edge appears in
/// both endpoints' lists, each list sorted by neighbour index. Flat arrays keep a
/// million-edge graph in a few contiguous allocations and make iteration order explicit.
struct Adjacency {
    /// `offsets[u]..offsets[u + 1]` is the range of `u`'s neighbours.
    offsets: Vec<usize>,
    targets: Vec<u32>,
    weights: Vec<u64>,
}

impl Adjacency {
    /// Builds the simple undirected graph of the co-occurrence edges. The graph stores each
    /// pair once, but a hand-built graph might not: parallel edges (in either direction)
    /// merge by summing their weights, which is what their counts mean. Self-loops are
    /// dropped, since an entity does not co-occur with itself, and so are edges of weight
    /// 0, which record no co-occurrence (and would make a distance of 1/0).
    fn cooccurrence(g: &KnowledgeGraph) -> Adjacency {
        let n = g.graph.node_count();
        let mut pairs: Vec<(u32, u32, u64)> = g
            .graph
            .edge_indices()
            .filter(|&e| g.graph[e].kind == EdgeKind::Cooccurrence)
            .filter_map(|e| {
                let (a, b) = g
                    .graph
                    .edge_endpoints(e)
                    .expect("edge index from this graph");
                let (a, b) = (a.index() as u32, b.index() as u32);
                (a != b).then(|| (a.min(b), a.max(b), g.graph[e].weight))
            })
            .collect();
        pairs.sort_unstable();
        let mut merged: Vec<(u32, u32, u64)> = Vec::with_capacity(pairs.len());
        for (a, b, w) in pairs {
            match merged.last_mut() {
                Some(last) if (last.0, last.1) == (a, b) => last.2 += w,
                _ => merged.push((a, b, w)),
            }
        }
        merged.retain(|&(_, _, w)| w > 0);
        let mut degree = vec![0usize; n];
        for &(a, b, _) in &merged {
            degree[a as usize] += 1;
            degree[b as usize] += 1;
        }
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0);
        for d in &degree {
            offsets.push(offsets.last().unwrap() + d);
        }
        let mut fill = offsets[..n].to_vec();
        let mut targets = vec![0u32; offsets[n]];
        let mut weights = vec![0u64; offsets[n]];
        // Pairs are sorted by (a, b) with a < b, so each list receives its smaller
        // neighbours (as b) in order of a, then its larger ones (as a) in order of b:
        // every list ends up sorted without a second sort.
        for &(a, b, w) in &merged {
            for (from, to) in [(a, b), (b, a)] {
                let slot = &mut fill[from as usize];
                targets[*slot] = to;
                weights[*slot] = w;
                *slot += 1;
            }
        }
        debug_assert!((0..n).all(|u| targets[offsets[u]..offsets[u + 1]].is_sorted()));
        Adjacency {
            offsets,
            targets,
            weights,
        }
    }

    fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    fn neighbours(&self, u: usize) -> &[u32] {
        &self.targets[self.offsets[u]..self.offsets[u + 1]]
    }

    fn weights(&self, u: usize) -> &[u64] {
        &self.weights[self.offsets[u]..self.offsets[u + 1]]
    }
}

/// The PageRank damping factor: the probability of following an edge rather than jumping.
const DAMPING: f64 = 0.85;
/// Converged when the ranks change by less than this per node (summed over all nodes).
const PAGERANK_TOLERANCE: f64 = 1e-10;
/// The error shrinks by at least the damping factor every iteration, so this bound is
/// never reached in practice; it only guarantees termination.
const PAGERANK_MAX_ITERATIONS: usize = 10_000;

/// Weighted PageRank by power iteration, as NetworkX computes it: a walker follows an edge
/// with probability proportional to its weight, or jumps to a uniformly chosen node with
/// probability 1 − damping; from a node without edges it always jumps uniformly.
fn pagerank(adj: &Adjacency) -> Vec<f64> {
    let n = adj.len();
    if n == 0 {
        return Vec::new();
    }
    let strength: Vec<f64> = (0..n)
        .map(|u| adj.weights(u).iter().map(|&w| w as f64).sum())
        .collect();
    // The transition probability of each adjacency entry, stored at the target: entry
    // (u, v) holds P(v → u) = w(u, v) / strength(v), so that each node pulls its new rank
    // from its own list, which parallelises without changing the order of any sum.
    let mut transition = vec![0.0f64; adj.targets.len()];
    for u in 0..n {
        let range = adj.offsets[u]..adj.offsets[u + 1];
        for i in range {
            transition[i] = adj.weights[i] as f64 / strength[adj.targets[i] as usize];
        }
    }
    let dangling: Vec<usize> = (0..n).filter(|&u| strength[u] == 0.0).collect();
    let uniform = 1.0 / n as f64;
    let mut rank = vec![uniform; n];
    let mut next = vec![0.0f64; n];
    for _ in 0..PAGERANK_MAX_ITERATIONS {
        let dangling_mass: f64 = dangling.iter().map(|&u| rank[u]).sum();
        next.par_iter_mut()
            .enumerate()
            .with_min_len(1024)
            .for_each(|(u, r)| {
                let range = adj.offsets[u]..adj.offsets[u + 1];
                let pulled: f64 = adj.targets[range.clone()]
                    .iter()
                    .zip(&transition[range])
                    .map(|(&v, &p)| rank[v as usize] * p)
                    .sum();
                *r = DAMPING * (pulled + dangling_mass * uniform) + (1.0 - DAMPING) * uniform;
            });
        let change: f64 = rank.iter().zip(&next).map(|(a, b)| (a - b).abs()).sum();
        std::mem::swap(&mut rank, &mut next);
        if change < n as f64 * PAGERANK_TOLERANCE {
            break;
        }
    }
    rank
}

/// Sources are split into this many fixed blocks, summed in block order, so that the
/// floating-point sums do not depend on how many threads ran them.
const BETWEENNESS_BLOCKS: usize = 64;

/// Brandes' betweenness, unweighted and with distance = 1/weight, normalised as NetworkX
/// normalises undirected betweenness (without endpoints).
fn betweenness(adj: &Adjacency) -> (Vec<f64>, Vec<f64>) {
    let n = adj.len();
    let distance: Vec<f64> = adj.weights.iter().map(|&w| 1.0 / w as f64).collect();
    let block = n.div_ceil(BETWEENNESS_BLOCKS).max(1);
    let partials: Vec<(Vec<f64>, Vec<f64>)> = (0..n.div_ceil(block))
        .into_par_iter()
        // The search buffers are scratch, reset after every source, so sharing them
        // between blocks on one thread cannot change a result.
        .map_init(
            || Search::new(n),
            |search, b| {
                let mut hops = vec![0.0; n];
                let mut weighted = vec![0.0; n];
                for s in b * block..((b + 1) * block).min(n) {
                    search.hops(adj, s, &mut hops);
                    search.weighted(adj, &distance, s, &mut weighted);
                }
                (hops, weighted)
            },
        )
        .collect();
    let mut hops = vec![0.0; n];
    let mut weighted = vec![0.0; n];
    for (h, w) in partials {
        hops.iter_mut().zip(h).for_each(|(a, b)| *a += b);
        weighted.iter_mut().zip(w).for_each(|(a, b)| *a += b);
    }
    // Every unordered pair was counted from both ends; NetworkX divides the ordered-pair
    // sums by (n − 1)(n − 2), the ordered pairs that exclude the node. Below three nodes
    // no path has an interior node and NetworkX leaves the zeros as they are.
    if n > 2 {
        let scale = 1.0 / ((n - 1) as f64 * (n - 2) as f64);
        hops.iter_mut()
            .chain(weighted.iter_mut())
            .for_each(|b| *b *= scale);
    }
    (hops, weighted)
}

/// Per-thread buffers for single-source shortest-path searches, reused across sources and
/// reset only where a search wrote, so that sources in small components stay cheap.
struct Search {
    /// Hop distance (`u32::MAX` = not reached).
    hops: Vec<u32>,
    /// Weighted distance: the tentative one while searching, then the final one.
    dist: Vec<f64>,
    /// Whether the weighted search has settled the node.
    settled: Vec<bool>,
    /// The number of shortest paths from the source.
    sigma: Vec<f64>,
    /// The dependency of the source on the node.
    delta: Vec<f64>,
    /// Nodes in the order they were settled.
    order: Vec<u32>,
    /// Nodes given a tentative distance, to reset afterwards.
    touched: Vec<u32>,
    heap: BinaryHeap<Tentative>,
    queue: std::collections::VecDeque<u32>,
}

impl Search {
    fn new(n: usize) -> Search {
        Search {
            hops: vec![u32::MAX; n],
            dist: vec![f64::INFINITY; n],
            settled: vec![false; n],
            sigma: vec![0.0; n],
            delta: vec![0.0; n],
            order: Vec::new(),
            touched: Vec::new(),
            heap: BinaryHeap::new(),
            queue: std::collections::VecDeque::new(),
        }
    }

    /// Adds source `s`'s dependencies over hop-count shortest paths to `acc`
    /// (NetworkX's `_single_source_shortest_path_basic` and `_accumulate_basic`).
    fn hops(&mut self, adj: &Adjacency, s: usize, acc: &mut [f64]) {
        self.order.clear();
        self.hops[s] = 0;
        self.sigma[s] = 1.0;
        self.queue.push_back(s as u32);
        while let Some(v) = self.queue.pop_front() {
            let v = v as usize;
            self.order.push(v as u32);
            let next = self.hops[v] + 1;
            let sigma_v = self.sigma[v];
            for &w in adj.neighbours(v) {
                let w = w as usize;
                if self.hops[w] == u32::MAX {
                    self.hops[w] = next;
                    self.queue.push_back(w as u32);
                }
                if self.hops[w] == next {
                    self.sigma[w] += sigma_v;
                }
            }
        }
        // Walk back from the farthest node; v precedes w on a shortest path exactly when
        // it is one hop closer, so predecessor lists need not be stored.
        for &w in self.order.iter().rev() {
            let w = w as usize;
            let coeff = (1.0 + self.delta[w]) / self.sigma[w];
            for &v in adj.neighbours(w) {
                let v = v as usize;
                if self.hops[v] != u32::MAX && self.hops[v] + 1 == self.hops[w] {
                    self.delta[v] += self.sigma[v] * coeff;
                }
            }
            if w != s {
                acc[w] += self.delta[w];
            }
        }
        for &v in &self.order {
            let v = v as usize;
            self.hops[v] = u32::MAX;
            self.sigma[v] = 0.0;
            self.delta[v] = 0.0;
        }
    }

    /// Adds source `s`'s dependencies over weighted shortest paths to `acc`. The search
    /// follows NetworkX's `_single_source_dijkstra_path_basic` step for step (heap order,
    /// path counting), because whether two paths tie depends on exactly how their lengths
    /// were rounded, and every length here is the same sum of the same floats.
    fn weighted(&mut self, adj: &Adjacency, distance: &[f64], s: usize, acc: &mut [f64]) {
        self.order.clear();
        self.touched.clear();
        let mut counter = 0u64;
        self.dist[s] = 0.0;
        self.sigma[s] = 1.0;
        self.touched.push(s as u32);
        // NetworkX seeds the search with the source as its own predecessor, which doubles
        // sigma(s); every count doubles with it and the ratios that matter do not change.
        self.heap.push(Tentative {
            dist: 0.0,
            counter,
            pred: s as u32,
            node: s as u32,
        });
        while let Some(Tentative {
            dist: d,
            pred,
            node: v,
            ..
        }) = self.heap.pop()
        {
            let v = v as usize;
            if self.settled[v] {
                continue;
            }
            self.sigma[v] += self.sigma[pred as usize];
            self.order.push(v as u32);
            self.settled[v] = true;
            let range = adj.offsets[v]..adj.offsets[v + 1];
            for (&w, &len) in adj.targets[range.clone()].iter().zip(&distance[range]) {
                let w = w as usize;
                let through_v = d + len;
                if !self.settled[w] && through_v < self.dist[w] {
                    if self.dist[w] == f64::INFINITY {
                        self.touched.push(w as u32);
                    }
                    self.dist[w] = through_v;
                    counter += 1;
                    self.heap.push(Tentative {
                        dist: through_v,
                        counter,
                        pred: v as u32,
                        node: w as u32,
                    });
                    self.sigma[w] = 0.0;
                } else if through_v == self.dist[w] {
                    self.sigma[w] += self.sigma[v];
                }
            }
        }
        // v precedes w on a shortest path when it was settled earlier (is strictly closer:
        // every node reached was settled) and the path through it rounds to exactly w's
        // distance: the test NetworkX applies when it records v.
        for &w in self.order.iter().rev() {
            let w = w as usize;
            let coeff = (1.0 + self.delta[w]) / self.sigma[w];
            let range = adj.offsets[w]..adj.offsets[w + 1];
            for (&v, &len) in adj.targets[range.clone()].iter().zip(&distance[range]) {
                let v = v as usize;
                if self.dist[v] < self.dist[w] && self.dist[v] + len == self.dist[w] {
                    self.delta[v] += self.sigma[v] * coeff;
                }
            }
            if w != s {
                acc[w] += self.delta[w];
            }
        }
        for &v in &self.touched {
            let v = v as usize;
            self.dist[v] = f64::INFINITY;
            self.settled[v] = false;
            self.sigma[v] = 0.0;
            self.delta[v] = 0.0;
        }
    }
}

/// A heap entry of the weighted search: NetworkX's `(dist, count, pred, node)` tuple,
/// ordered so that `BinaryHeap` (a max-heap) pops the shortest distance first and, among
/// equal distances, the earliest pushed.
struct Tentative {
    dist: f64,
    counter: u64,
    pred: u32,
    node: u32,
}

impl PartialEq for Tentative {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Tentative {}

impl PartialOrd for Tentative {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Tentative {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .dist
            .total_cmp(&self.dist)
            .then_with(|| other.counter.cmp(&self.counter))
    }
}

/// One level of the Louvain hierarchy: a weighted graph whose nodes are the communities of
/// the level below. The weight inside a community is a self-loop of its node, which the
/// moves need only through the node's degree, so only the degree keeps it.
struct Level {
    /// Adjacency without self-loops, as in [`Adjacency`].
    offsets: Vec<usize>,
    targets: Vec<u32>,
    weights: Vec<u64>,
    /// The weighted degree, a self-loop counted twice as in modularity's definition.
    degree: Vec<u64>,
}

impl Level {
    fn from_adjacency(adj: &Adjacency) -> Level {
        let n = adj.len();
        Level {
            offsets: adj.offsets.clone(),
            targets: adj.targets.clone(),
            weights: adj.weights.clone(),
            degree: (0..n).map(|u| adj.weights(u).iter().sum()).collect(),
        }
    }

    fn len(&self) -> usize {
        self.degree.len()
    }

    /// Merges each community into one node; `community` labels run from 0 to `k - 1`.
    fn aggregate(&self, community: &[usize], k: usize) -> Level {
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); k];
        for (u, &c) in community.iter().enumerate() {
            members[c].push(u);
        }
        let mut offsets = Vec::with_capacity(k + 1);
        offsets.push(0);
        let mut targets = Vec::new();
        let mut weights = Vec::new();
        let mut degree = vec![0u64; k];
        let mut to = vec![0u64; k];
        let mut seen: Vec<usize> = Vec::new();
        for c in 0..k {
            for &u in &members[c] {
                degree[c] += self.degree[u];
                for i in self.offsets[u]..self.offsets[u + 1] {
                    let d = community[self.targets[i] as usize];
                    if d != c {
                        if to[d] == 0 {
                            seen.push(d);
                        }
                        to[d] += self.weights[i];
                    }
                }
            }
            seen.sort_unstable();
            for &d in &seen {
                targets.push(d as u32);
                weights.push(to[d]);
                to[d] = 0;
            }
            seen.clear();
            offsets.push(targets.len());
        }
        Level {
            offsets,
            targets,
            weights,
            degree,
        }
    }

    /// Louvain's local moving phase. Returns each node's community (labelled by first
    /// appearance in node order) and the number of communities, or `None` when no node
    /// moved.
    ///
    /// Moving node u from community A (without u) to B changes modularity by
    /// ΔQ = (k_uB − k_uA)/m − k_u (Σ_B − Σ_A)/(2m²), where k_uX is the weight from u to X,
    /// k_u its degree, Σ_X the degree total of X and m the total edge weight. With integer
    /// weights, 2m²·ΔQ is an exact integer, so moves and ties are decided exactly: a node
    /// moves only for a strictly positive gain, which also guarantees termination.
    fn local_moves(&self, m: i128) -> Option<(Vec<usize>, usize)> {
        let n = self.len();
        let mut community: Vec<usize> = (0..n).collect();
        let mut total: Vec<i128> = self.degree.iter().map(|&d| d as i128).collect();
        let mut to = vec![0i128; n];
        let mut seen: Vec<usize> = Vec::new();
        let mut moved = false;
        loop {
            let mut moves = 0usize;
            for u in 0..n {
                let own = community[u];
                for i in self.offsets[u]..self.offsets[u + 1] {
                    let c = community[self.targets[i] as usize];
                    if to[c] == 0 {
                        seen.push(c);
                    }
                    to[c] += self.weights[i] as i128;
                }
                let k = self.degree[u] as i128;
                total[own] -= k;
                let (to_own, total_own) = (to[own], total[own]);
                let mut best = own;
                let mut best_gain = 0i128;
                for &c in &seen {
                    if c == own {
                        continue;
                    }
                    let gain = 2 * m * (to[c] - to_own) - k * (total[c] - total_own);
                    if gain > best_gain || (gain == best_gain && gain > 0 && c < best) {
                        best = c;
                        best_gain = gain;
                    }
                }
                for &c in &seen {
                    to[c] = 0;
                }
                seen.clear();
                total[best] += k;
                if best != own {
                    community[u] = best;
                    moves += 1;
                }
            }
            if moves == 0 {
                break;
            }
            moved = true;
        }
        moved.then(|| relabel(&community))
    }
}

/// Relabels communities 0, 1, ... in order of their first node.
fn relabel(community: &[usize]) -> (Vec<usize>, usize) {
    let mut label = vec![usize::MAX; community.len()];
    let mut k = 0;
    let relabelled = community
        .iter()
        .map(|&c| {
            if label[c] == usize::MAX {
                label[c] = k;
                k += 1;
            }
            label[c]
        })
        .collect();
    (relabelled, k)
}

/// Deterministic Louvain: local moves in node order, then aggregation, until a level moves
/// nothing. Returns each node's community, labelled by first node.
///
/// Gains are exact in 128-bit integers as long as the total edge weight stays below 2^62,
/// far beyond any count of windows.
fn louvain(adj: &Adjacency) -> Vec<usize> {
    let n = adj.len();
    let mut level = Level::from_adjacency(adj);
    let m: i128 = adj.weights.iter().map(|&w| w as i128).sum::<i128>() / 2;
    let mut community: Vec<usize> = (0..n).collect();
    if m == 0 {
        return community;
    }
    while let Some((moved, k)) = level.local_moves(m) {
        for c in community.iter_mut() {
            *c = moved[*c];
        }
        level = level.aggregate(&moved, k);
    }
    relabel(&community).0
}

/// Weighted modularity of a partition, as `networkx.algorithms.community.modularity`
/// defines it: Σ_c [L_c/m − (D_c/2m)²], with L_c the weight inside community c and D_c its
/// degree total. Computed as one exact integer fraction, then divided once.
fn modularity(adj: &Adjacency, community: &[usize]) -> f64 {
    let k = community.iter().max().map_or(0, |&c| c + 1);
    let mut inside = vec![0i128; k];
    let mut degree = vec![0i128; k];
    for (u, &c) in community.iter().enumerate() {
        for (&v, &w) in adj.neighbours(u).iter().zip(adj.weights(u)) {
            degree[c] += w as i128;
            if community[v as usize] == c {
                inside[c] += w as i128;
            }
        }
    }
    // Both sums met every edge from both ends: inside holds 2·L_c, and the degree total
    // is 2m.
    let two_m: i128 = degree.iter().sum();
    if two_m == 0 {
        return 0.0;
    }
    // Σ_c [L_c/m − D_c²/(4m²)] = Σ_c [2m·(2L_c) − D_c²] / (4m²).
    let numerator: i128 = inside
        .iter()
        .zip(&degree)
        .map(|(&l2, &d)| two_m * l2 - d * d)
        .sum();
    numerator as f64 / (two_m as f64 * two_m as f64)
}

#[cfg(test)]
mod tests;
