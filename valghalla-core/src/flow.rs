//! A min-cost max-flow engine: primal-dual (Dijkstra with node potentials, then a Dinic blocking
//! flow on the arcs of zero reduced cost), on a compact CSR adjacency with `i64` capacities and
//! costs. Both searches run backward from the sink, which keeps them small when the source side
//! is much larger than the sink side (many volunteers, few vacant seats).
//!
//! It finds a maximum flow from a source to a sink and, among all maximum flows, one of least
//! total cost. Costs must be non-negative (so the all-zero potentials are valid to start with).
//! The result is deterministic: the same network, built with the same arc order, gives the same
//! flow on every arc.
//!
//! After solving, the residual network stays available for explanations: which nodes the source
//! still reaches (the source side of a minimum cut) and which nodes still reach a given node.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// Identifies an arc by the order in which it was added (0, 1, 2, …).
pub(crate) type ArcId = usize;

/// Why a network could not be built or solved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FlowError {
    /// An arc or terminal names a node the network does not have.
    #[error("node {node} is out of range: the network has {nodes} nodes")]
    NodeOutOfRange {
        /// The offending node.
        node: usize,
        /// How many nodes the network has.
        nodes: usize,
    },
    /// An arc has a negative capacity.
    #[error("arc {from} -> {to} has negative capacity {capacity}")]
    NegativeCapacity {
        /// Tail of the arc.
        from: usize,
        /// Head of the arc.
        to: usize,
        /// The capacity given.
        capacity: i64,
    },
    /// An arc has a negative cost; the engine needs non-negative costs.
    #[error("arc {from} -> {to} has negative cost {cost}; costs must be non-negative")]
    NegativeCost {
        /// Tail of the arc.
        from: usize,
        /// Head of the arc.
        to: usize,
        /// The cost given.
        cost: i64,
    },
    /// The source and the sink are the same node.
    #[error("source and sink are the same node {node}")]
    SourceIsSink {
        /// The node.
        node: usize,
    },
    /// More than `u32::MAX` nodes or arcs, or a sum that does not fit in `i64`.
    #[error("the network is too large for this engine")]
    TooLarge,
}

/// A network under construction: nodes `0..n` and arcs with capacity and cost.
#[derive(Debug, Clone, Default)]
pub(crate) struct FlowNetwork {
    nodes: usize,
    tail: Vec<u32>,
    head: Vec<u32>,
    cap: Vec<i64>,
    cost: Vec<i64>,
}

impl FlowNetwork {
    /// An empty network with `nodes` nodes and no arcs.
    pub(crate) fn new(nodes: usize) -> Self {
        FlowNetwork {
            nodes,
            ..Default::default()
        }
    }

    /// An empty network with room reserved for `arcs` arcs.
    pub(crate) fn with_capacity(nodes: usize, arcs: usize) -> Self {
        FlowNetwork {
            nodes,
            tail: Vec::with_capacity(arcs),
            head: Vec::with_capacity(arcs),
            cap: Vec::with_capacity(arcs),
            cost: Vec::with_capacity(arcs),
        }
    }

    /// How many arcs have been added.
    pub(crate) fn arc_count(&self) -> usize {
        self.tail.len()
    }

    /// Adds an arc `from -> to` with the given capacity and cost per unit of flow.
    #[inline]
    pub(crate) fn add_arc(
        &mut self,
        from: usize,
        to: usize,
        capacity: i64,
        cost: i64,
    ) -> Result<ArcId, FlowError> {
        for node in [from, to] {
            if node >= self.nodes {
                return Err(FlowError::NodeOutOfRange {
                    node,
                    nodes: self.nodes,
                });
            }
        }
        if capacity < 0 {
            return Err(FlowError::NegativeCapacity { from, to, capacity });
        }
        if cost < 0 {
            return Err(FlowError::NegativeCost { from, to, cost });
        }
        let (Ok(f), Ok(t)) = (u32::try_from(from), u32::try_from(to)) else {
            return Err(FlowError::TooLarge);
        };
        self.tail.push(f);
        self.head.push(t);
        self.cap.push(capacity);
        self.cost.push(cost);
        Ok(self.tail.len() - 1)
    }

    /// Finds a maximum flow from `source` to `sink` of least cost.
    pub(crate) fn solve(&self, source: usize, sink: usize) -> Result<FlowSolution, FlowError> {
        for node in [source, sink] {
            if node >= self.nodes {
                return Err(FlowError::NodeOutOfRange {
                    node,
                    nodes: self.nodes,
                });
            }
        }
        if source == sink {
            return Err(FlowError::SourceIsSink { node: source });
        }
        let arcs2 = self.tail.len().checked_mul(2).ok_or(FlowError::TooLarge)?;
        if arcs2 > u32::MAX as usize || self.nodes >= u32::MAX as usize {
            return Err(FlowError::TooLarge);
        }
        // Bound every sum the engine can form, so no arithmetic below can overflow.
        let mut cap_sum: i64 = 0;
        let mut cost_sum: i64 = 0;
        for (&c, &w) in self.cap.iter().zip(&self.cost) {
            cap_sum = cap_sum.checked_add(c).ok_or(FlowError::TooLarge)?;
            cost_sum = cost_sum.checked_add(w).ok_or(FlowError::TooLarge)?;
        }
        cap_sum
            .checked_mul(cost_sum.max(1))
            .and_then(|x| x.checked_mul(2))
            .ok_or(FlowError::TooLarge)?;
        let mut res = Residual::build(self);
        let value = res.run(source, sink);
        let flows: Vec<i64> = res
            .pos
            .iter()
            .map(|&p| res.cap[res.rev[p as usize] as usize])
            .collect();
        let cost = flows.iter().zip(&self.cost).map(|(f, c)| f * c).sum();
        Ok(FlowSolution {
            value,
            cost,
            flows,
            #[cfg(test)]
            source,
            residual: res,
        })
    }
}

/// A solved network: the flow on every arc, and the residual network for cut queries.
#[derive(Debug, Clone)]
pub(crate) struct FlowSolution {
    value: i64,
    cost: i64,
    flows: Vec<i64>,
    /// For [`FlowSolution::reachable_from_source`], which only the tests ask.
    #[cfg(test)]
    source: usize,
    residual: Residual,
}

impl FlowSolution {
    /// The value of the flow (what leaves the source).
    pub(crate) fn value(&self) -> i64 {
        self.value
    }

    /// The total cost of the flow.
    pub(crate) fn cost(&self) -> i64 {
        self.cost
    }

    /// The flow on one arc. An unknown arc has flow 0.
    pub(crate) fn flow(&self, arc: ArcId) -> i64 {
        self.flows.get(arc).copied().unwrap_or(0)
    }

    /// The flow on every arc, indexed by [`ArcId`].
    #[cfg(test)]
    pub(crate) fn flows(&self) -> &[i64] {
        &self.flows
    }

    /// The nodes the source still reaches in the residual network: the source side of a minimum
    /// cut.
    #[cfg(test)]
    pub(crate) fn reachable_from_source(&self) -> Vec<bool> {
        let r = &self.residual;
        let mut seen = vec![false; r.start.len() - 1];
        let mut queue = vec![self.source];
        seen[self.source] = true;
        while let Some(u) = queue.pop() {
            for e in r.start[u] as usize..r.start[u + 1] as usize {
                let v = r.to[e] as usize;
                if r.cap[e] > 0 && !seen[v] {
                    seen[v] = true;
                    queue.push(v);
                }
            }
        }
        seen
    }

    /// The nodes that still reach `target` in the residual network, restricted to nodes with
    /// `allowed[node] == true` (pass `None` for all nodes). `target` itself is included.
    pub(crate) fn reaching(&self, target: usize, allowed: Option<&[bool]>) -> Vec<bool> {
        let r = &self.residual;
        let n = r.start.len() - 1;
        let mut seen = vec![false; n];
        if target >= n {
            return seen;
        }
        let ok = |v: usize| allowed.is_none_or(|a| a.get(v).copied().unwrap_or(false));
        let mut queue = vec![target];
        seen[target] = true;
        while let Some(v) = queue.pop() {
            // Arcs entering v are the reverses of the arcs leaving v.
            for e in r.start[v] as usize..r.start[v + 1] as usize {
                let u = r.to[e] as usize;
                if !seen[u] && r.cap[r.rev[e] as usize] > 0 && ok(u) {
                    seen[u] = true;
                    queue.push(u);
                }
            }
        }
        seen
    }
}

const INF: i64 = i64::MAX / 4;

/// The residual network in CSR form: the arcs leaving node `u` are `start[u]..start[u + 1]`.
#[derive(Debug, Clone)]
struct Residual {
    start: Vec<u32>,
    to: Vec<u32>,
    rev: Vec<u32>,
    cap: Vec<i64>,
    cost: Vec<i64>,
    /// Position of each original arc's forward copy.
    pos: Vec<u32>,
}

impl Residual {
    #[allow(
        clippy::needless_range_loop,
        reason = "arc i indexes five parallel arrays (tail, head, cap, cost, pos)"
    )]
    fn build(net: &FlowNetwork) -> Self {
        let n = net.nodes;
        let m = net.tail.len();
        let mut start = vec![0u32; n + 1];
        for i in 0..m {
            start[net.tail[i] as usize + 1] += 1;
            start[net.head[i] as usize + 1] += 1;
        }
        for u in 0..n {
            start[u + 1] += start[u];
        }
        let mut fill = start.clone();
        let mut to = vec![0u32; 2 * m];
        let mut rev = vec![0u32; 2 * m];
        let mut cap = vec![0i64; 2 * m];
        let mut cost = vec![0i64; 2 * m];
        let mut pos = vec![0u32; m];
        for i in 0..m {
            let (u, v) = (net.tail[i] as usize, net.head[i] as usize);
            let a = fill[u];
            fill[u] += 1;
            let b = fill[v];
            fill[v] += 1;
            let (a_, b_) = (a as usize, b as usize);
            to[a_] = v as u32;
            to[b_] = u as u32;
            rev[a_] = b;
            rev[b_] = a;
            cap[a_] = net.cap[i];
            cost[a_] = net.cost[i];
            cost[b_] = -net.cost[i];
            pos[i] = a;
        }
        Residual {
            start,
            to,
            rev,
            cap,
            cost,
            pos,
        }
    }

    /// Runs primal-dual to completion; returns the flow value.
    ///
    /// Both searches run **backward from the sink**: in an auto-fill network there are far more
    /// people than vacant seats, and every unused person is one zero-cost arc from the source, so
    /// a forward search would scan every unused person's arcs in every phase. Backward, the
    /// search starts at the few groups with empty seats and stops as soon as it reaches an unused
    /// person (the source). With `d(v)` the reduced distance from `v` to the sink and `D = d(s)`,
    /// the potentials become `π(v) − min(d(v), D)`; every residual arc keeps a non-negative
    /// reduced cost and the shortest paths get reduced cost zero (the mirror image of the usual
    /// forward update).
    fn run(&mut self, s: usize, t: usize) -> i64 {
        let n = self.start.len() - 1;
        let mut pi = vec![0i64; n];
        let mut dist = vec![INF; n];
        let mut level = vec![u32::MAX; n];
        let mut iter = vec![0u32; n];
        let mut heap: BinaryHeap<Reverse<(i64, u32)>> = BinaryHeap::new();
        let mut queue: VecDeque<u32> = VecDeque::new();
        let mut path: Vec<u32> = Vec::new();
        let mut value = self.zero_cost_greedy(s, t);
        loop {
            // Dijkstra to the sink on reduced costs, backward, stopping once the source is
            // settled.
            dist.fill(INF);
            dist[t] = 0;
            heap.clear();
            heap.push(Reverse((0, t as u32)));
            while let Some(Reverse((d, v))) = heap.pop() {
                let v = v as usize;
                if d > dist[v] {
                    continue;
                }
                if v == s {
                    break;
                }
                let pv = pi[v] - d;
                for e in self.start[v] as usize..self.start[v + 1] as usize {
                    // The residual arc u -> v is the reverse of e.
                    let f = self.rev[e] as usize;
                    if self.cap[f] > 0 {
                        let u = self.to[e] as usize;
                        let nd = self.cost[f] + pi[u] - pv;
                        if nd < dist[u] {
                            dist[u] = nd;
                            heap.push(Reverse((nd, u as u32)));
                        }
                    }
                }
            }
            let ds = dist[s];
            if ds >= INF {
                return value;
            }
            for (p, &d) in pi.iter_mut().zip(&dist) {
                *p -= d.min(ds);
            }
            // Dinic on the admissible residual arcs (zero reduced cost), with levels counted
            // backward from the sink so the search stays near the groups with empty seats.
            loop {
                level.fill(u32::MAX);
                level[t] = 0;
                queue.clear();
                queue.push_back(t as u32);
                while let Some(v) = queue.pop_front() {
                    let v = v as usize;
                    if level[s] != u32::MAX && level[v] >= level[s] {
                        break;
                    }
                    for e in self.start[v] as usize..self.start[v + 1] as usize {
                        let f = self.rev[e] as usize;
                        let u = self.to[e] as usize;
                        if self.cap[f] > 0 && level[u] == u32::MAX && self.cost[f] + pi[u] == pi[v]
                        {
                            level[u] = level[v] + 1;
                            queue.push_back(u as u32);
                        }
                    }
                }
                if level[s] == u32::MAX {
                    break;
                }
                iter.copy_from_slice(&self.start[..n]);
                value += self.blocking_flow(s, t, &pi, &mut level, &mut iter, &mut path);
            }
        }
    }

    /// A cheap head start: pushes flow along zero-cost paths `s → u → t` and `s → u → v → t`
    /// (e.g. volunteers at their home station). With all costs non-negative, a flow that uses
    /// only zero-cost arcs is of least cost for its value, and the zero potentials stay valid.
    fn zero_cost_greedy(&mut self, s: usize, t: usize) -> i64 {
        let n = self.start.len() - 1;
        // The zero-cost arc into the sink from each node, if any.
        let mut to_sink = vec![u32::MAX; n];
        for e in self.start[t] as usize..self.start[t + 1] as usize {
            let f = self.rev[e] as usize;
            if self.cost[f] == 0 && self.cap[f] > 0 {
                to_sink[self.to[e] as usize] = f as u32;
            }
        }
        let mut value = 0;
        for e1 in self.start[s] as usize..self.start[s + 1] as usize {
            let u = self.to[e1] as usize;
            if self.cost[e1] != 0 || u == t && self.cap[e1] == 0 {
                continue;
            }
            if u == t {
                let f = self.cap[e1];
                self.push(e1, f);
                value += f;
                continue;
            }
            for e2 in self.start[u] as usize..self.start[u + 1] as usize {
                if self.cap[e1] == 0 {
                    break;
                }
                let v = self.to[e2] as usize;
                if self.cost[e2] != 0 || self.cap[e2] == 0 || v == s {
                    continue;
                }
                let e3 = if v == t { u32::MAX } else { to_sink[v] };
                if v != t && (e3 == u32::MAX || self.cap[e3 as usize] == 0) {
                    continue;
                }
                let mut f = self.cap[e1].min(self.cap[e2]);
                if e3 != u32::MAX {
                    f = f.min(self.cap[e3 as usize]);
                    self.push(e3 as usize, f);
                }
                self.push(e1, f);
                self.push(e2, f);
                value += f;
            }
        }
        value
    }

    fn push(&mut self, e: usize, f: i64) {
        self.cap[e] -= f;
        self.cap[self.rev[e] as usize] += f;
    }

    /// One blocking flow on the level graph (levels count arcs to the sink; an arc is usable
    /// when it is admissible and goes one level down), with an explicit stack (paths can be
    /// long).
    fn blocking_flow(
        &mut self,
        s: usize,
        t: usize,
        pi: &[i64],
        level: &mut [u32],
        iter: &mut [u32],
        path: &mut Vec<u32>,
    ) -> i64 {
        let mut total = 0;
        path.clear();
        let mut u = s;
        loop {
            if u == t {
                let mut bottleneck = INF;
                for &e in path.iter() {
                    bottleneck = bottleneck.min(self.cap[e as usize]);
                }
                let mut first_saturated = path.len();
                for (i, &e) in path.iter().enumerate() {
                    let e = e as usize;
                    self.cap[e] -= bottleneck;
                    self.cap[self.rev[e] as usize] += bottleneck;
                    if self.cap[e] == 0 && first_saturated == path.len() {
                        first_saturated = i;
                    }
                }
                total += bottleneck;
                path.truncate(first_saturated);
                u = match path.last() {
                    Some(&e) => self.to[e as usize] as usize,
                    None => s,
                };
                continue;
            }
            let end = self.start[u + 1];
            let lu = level[u];
            let mut advanced = false;
            if lu != u32::MAX && lu > 0 {
                let pu = pi[u];
                while iter[u] < end {
                    let e = iter[u] as usize;
                    let v = self.to[e] as usize;
                    if self.cap[e] > 0 && level[v] == lu - 1 && self.cost[e] + pu == pi[v] {
                        path.push(e as u32);
                        u = v;
                        advanced = true;
                        break;
                    }
                    iter[u] += 1;
                }
            }
            if !advanced {
                level[u] = u32::MAX;
                match path.pop() {
                    None => return total,
                    Some(e) => {
                        u = self.to[self.rev[e as usize] as usize] as usize;
                        iter[u] += 1;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Two units to the sink: the cheap path carries one (its capacity), the dear one the other.
    #[test]
    fn the_cheap_path_is_filled_first() {
        let mut net = FlowNetwork::new(4);
        let cheap = net.add_arc(0, 1, 1, 1).unwrap();
        net.add_arc(0, 2, 1, 5).unwrap();
        net.add_arc(1, 3, 2, 0).unwrap();
        net.add_arc(2, 3, 2, 0).unwrap();
        let solved = net.solve(0, 3).unwrap();
        assert_eq!((solved.value(), solved.cost()), (2, 6));
        assert_eq!(solved.flow(cheap), 1);
    }

    #[test]
    fn prefers_the_cheaper_path_when_capacity_allows() {
        let mut net = FlowNetwork::new(4);
        let a = net.add_arc(0, 1, 1, 1).unwrap();
        let b = net.add_arc(0, 2, 1, 5).unwrap();
        net.add_arc(1, 3, 1, 0).unwrap();
        net.add_arc(2, 3, 1, 0).unwrap();
        let sol = net.solve(0, 3).unwrap();
        assert_eq!(sol.value(), 2);
        assert_eq!(sol.cost(), 6);
        assert_eq!((sol.flow(a), sol.flow(b)), (1, 1));
    }

    #[test]
    fn reroutes_through_a_reverse_arc_to_reach_maximum_flow() {
        // The classic case where the greedy cheapest path must be undone.
        let mut net = FlowNetwork::new(4);
        net.add_arc(0, 1, 1, 0).unwrap();
        net.add_arc(0, 2, 1, 0).unwrap();
        net.add_arc(1, 2, 1, 0).unwrap();
        net.add_arc(1, 3, 1, 10).unwrap();
        net.add_arc(2, 3, 1, 0).unwrap();
        let sol = net.solve(0, 3).unwrap();
        assert_eq!((sol.value(), sol.cost()), (2, 10));
    }

    #[test]
    fn rejects_bad_arcs_and_terminals_with_specific_errors() {
        let mut net = FlowNetwork::new(2);
        assert_eq!(
            net.add_arc(0, 2, 1, 0),
            Err(FlowError::NodeOutOfRange { node: 2, nodes: 2 })
        );
        assert!(matches!(
            net.add_arc(0, 1, -1, 0),
            Err(FlowError::NegativeCapacity { .. })
        ));
        assert!(matches!(
            net.add_arc(0, 1, 1, -1),
            Err(FlowError::NegativeCost { .. })
        ));
        assert_eq!(
            net.solve(1, 1).err(),
            Some(FlowError::SourceIsSink { node: 1 })
        );
    }

    #[test]
    fn min_cut_source_side_excludes_the_sink_and_its_cut_arcs_are_saturated() {
        let mut net = FlowNetwork::new(4);
        net.add_arc(0, 1, 3, 0).unwrap();
        let bottleneck = net.add_arc(1, 2, 1, 0).unwrap();
        net.add_arc(2, 3, 3, 0).unwrap();
        let sol = net.solve(0, 3).unwrap();
        let side = sol.reachable_from_source();
        assert_eq!(side, vec![true, true, false, false]);
        assert_eq!(sol.flow(bottleneck), 1);
        let reach_sink = sol.reaching(3, None);
        assert_eq!(reach_sink, vec![false, false, true, true]);
    }

    /// Bellman–Ford successive shortest paths: slow, obviously correct.
    fn reference(n: usize, arcs: &[(usize, usize, i64, i64)], s: usize, t: usize) -> (i64, i64) {
        let mut to = vec![];
        let mut cap = vec![];
        let mut cost = vec![];
        let mut from = vec![];
        for &(u, v, c, w) in arcs {
            from.extend([u, v]);
            to.extend([v, u]);
            cap.extend([c, 0]);
            cost.extend([w, -w]);
        }
        let (mut flow, mut total) = (0, 0);
        loop {
            let mut dist = vec![INF; n];
            let mut pred = vec![usize::MAX; n];
            dist[s] = 0;
            for _ in 0..n {
                for e in 0..to.len() {
                    if cap[e] > 0 && dist[from[e]] < INF && dist[from[e]] + cost[e] < dist[to[e]] {
                        dist[to[e]] = dist[from[e]] + cost[e];
                        pred[to[e]] = e;
                    }
                }
            }
            if dist[t] >= INF {
                return (flow, total);
            }
            let mut b = INF;
            let mut v = t;
            while v != s {
                b = b.min(cap[pred[v]]);
                v = from[pred[v]];
            }
            let mut v = t;
            while v != s {
                cap[pred[v]] -= b;
                cap[pred[v] ^ 1] += b;
                v = from[pred[v]];
            }
            flow += b;
            total += b * dist[t];
        }
    }

    fn arb_network() -> impl Strategy<Value = (usize, Vec<(usize, usize, i64, i64)>)> {
        (2usize..8).prop_flat_map(|n| {
            let arc = (0..n, 0..n, 0i64..4, 0i64..6);
            (Just(n), prop::collection::vec(arc, 0..20))
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn matches_a_bellman_ford_reference_on_small_networks((n, arcs) in arb_network()) {
            let mut net = FlowNetwork::new(n);
            for &(u, v, c, w) in &arcs {
                net.add_arc(u, v, c, w).unwrap();
            }
            let sol = net.solve(0, n - 1).unwrap();
            prop_assert_eq!((sol.value(), sol.cost()), reference(n, &arcs, 0, n - 1));
            // Conservation and capacity on every arc.
            let mut balance = vec![0i64; n];
            for (i, &(u, v, c, _)) in arcs.iter().enumerate() {
                let f = sol.flow(i);
                prop_assert!((0..=c).contains(&f));
                balance[u] -= f;
                balance[v] += f;
            }
            for (v, b) in balance.iter().enumerate() {
                if v != 0 && v != n - 1 {
                    prop_assert_eq!(*b, 0);
                }
            }
            prop_assert_eq!(balance[n - 1], sol.value());
            // The min cut's capacity equals the flow value.
            let side = sol.reachable_from_source();
            prop_assert!(!side[n - 1]);
            let cut: i64 = arcs.iter().filter(|a| side[a.0] && !side[a.1]).map(|a| a.2).sum();
            prop_assert_eq!(cut, sol.value());
        }

        #[test]
        fn is_deterministic((n, arcs) in arb_network()) {
            let mut net = FlowNetwork::new(n);
            for &(u, v, c, w) in &arcs {
                net.add_arc(u, v, c, w).unwrap();
            }
            let a = net.solve(0, n - 1).unwrap();
            let b = net.clone().solve(0, n - 1).unwrap();
            prop_assert_eq!(a.flows(), b.flows());
        }
    }
}
