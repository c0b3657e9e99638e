/**
 * A plain HDBSCAN written from Campello, Moulavi and Sander's definition (PAKDD 2013; Campello et al., TKDD 2015), kept
 * as the oracle the fast implementation (src/apps/topics/hdbscan.ts) is held to. It takes the direct route
 * everywhere, at O(n³) cost, sharing no code with the fast one:
 * - core distance of x: the distance to its minSamples-th nearest point, x itself counted (as the hdbscan library);
 * - mutual reachability of a, b: max(core(a), core(b), d(a, b));
 * - minimum spanning tree of the complete mutual-reachability graph by Kruskal (the fast one uses Prim);
 * - the cluster hierarchy by lowering ε through the tree's distinct edge weights: at each level every edge of that
 *   weight is removed at once, and each cluster that lost an edge is recomputed as connected components; components
 *   of at least minClusterSize points are clusters, smaller ones are points falling out (noise below that level). A
 *   cluster that splits into two or more such components ends, and each component is born as a new cluster; one
 *   that keeps one only shrinks;
 * - stability of C: Σ over its points of (λ when the point left C − λ when C was born), λ = 1/ε;
 * - excess of mass: from the leaves up, a cluster is kept when its stability is at least the sum of its
 *   children's best, else the children's best replaces it; the root is never a candidate (no single cluster);
 *   with maxClusterSize, a cluster born with more points than that is never kept while it has children; with
 *   selection 'leaf', every cluster without children is kept and no other;
 * - labels: x belongs to the kept cluster it was in when that cluster was born; −1 (noise) otherwise. Clusters are
 *   numbered in the order of their first point.
 */
export interface ReferenceResult {
  labels: number[];
  /** λ at which each point left its last cluster, over the largest such λ in its kept cluster (0 for noise). */
  probabilities: number[];
}

export function referenceHdbscan(
  points: readonly (readonly number[])[],
  minClusterSize: number,
  minSamples = minClusterSize,
  choice: { selection?: 'eom' | 'leaf'; maxClusterSize?: number } = {},
): ReferenceResult {
  const n = points.length;
  const dist = (a: number, b: number) => Math.sqrt(points[a].reduce((s, v, k) => s + (v - points[b][k]) ** 2, 0));
  const k = Math.min(minSamples, n);
  const core = points.map((_, i) => points.map((__, j) => dist(i, j)).sort((x, y) => x - y)[k - 1]);
  const mr = (a: number, b: number) => Math.max(core[a], core[b], dist(a, b));

  // Kruskal: every pair, by weight (ties by index, so the tree is well defined).
  const pairs: [number, number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs.push([mr(i, j), i, j]);
  pairs.sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2]);
  const parent = points.map((_, i) => i);
  const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x])));
  const tree: [number, number, number][] = [];
  for (const [w, a, b] of pairs) {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) {
      parent[ra] = rb;
      tree.push([w, a, b]);
    }
  }

  interface Cluster {
    parent: number;
    birth: number;
    bornWith: Set<number>;
    members: Set<number>;
    stability: number;
    children: number[];
  }
  const clusters: Cluster[] = [{ parent: -1, birth: 0, bornWith: new Set(points.map((_, i) => i)), members: new Set(points.map((_, i) => i)), stability: 0, children: [] }];
  const lastLambda = new Array<number>(n).fill(0);
  const leave = (c: Cluster, x: number, lambda: number) => {
    c.stability += lambda === c.birth ? 0 : lambda - c.birth;
    lastLambda[x] = lambda;
  };
  const components = (members: Set<number>, edges: [number, number, number][]) => {
    const p = new Map([...members].map((x) => [x, x]));
    const f = (x: number): number => (p.get(x) === x ? x : f(p.get(x)!));
    for (const [, a, b] of edges) if (members.has(a) && members.has(b)) p.set(f(a), f(b));
    const groups = new Map<number, number[]>();
    for (const x of members) groups.set(f(x), [...(groups.get(f(x)) ?? []), x]);
    return [...groups.values()];
  };

  const levels = [...new Set(tree.map((e) => e[0]))].sort((x, y) => y - x);
  const active = new Set([0]);
  for (const eps of levels) {
    const lambda = 1 / eps;
    const kept = tree.filter((e) => e[0] < eps);
    for (const id of [...active]) {
      const c = clusters[id];
      if (!tree.some((e) => e[0] === eps && c.members.has(e[1]) && c.members.has(e[2]))) continue;
      const parts = components(c.members, kept);
      const big = parts.filter((g) => g.length >= minClusterSize);
      if (big.length >= 2) {
        for (const x of c.members) leave(c, x, lambda);
        active.delete(id);
        for (const g of big) {
          clusters.push({ parent: id, birth: lambda, bornWith: new Set(g), members: new Set(g), stability: 0, children: [] });
          c.children.push(clusters.length - 1);
          active.add(clusters.length - 1);
        }
      } else {
        for (const g of parts) if (g.length < minClusterSize) for (const x of g) leave(c, x, lambda);
        if (big.length === 1) c.members = new Set(big[0]);
        else {
          c.members = new Set();
          active.delete(id);
        }
      }
    }
  }

  // Excess of mass, leaves first (children always come after their parent in `clusters`).
  const best = clusters.map((c) => c.stability);
  const chosen = clusters.map(() => false);
  const descendants = (id: number): number[] => clusters[id].children.flatMap((ch) => [ch, ...descendants(ch)]);
  const leafOnly = choice.selection === 'leaf';
  const tooLarge = (id: number) => clusters[id].bornWith.size > (choice.maxClusterSize ?? Infinity);
  for (let id = clusters.length - 1; id >= 1; id--) {
    const below = clusters[id].children.reduce((s, ch) => s + best[ch], 0);
    if (clusters[id].children.length > 0 && (leafOnly || tooLarge(id) || below > clusters[id].stability)) best[id] = below;
    else {
      chosen[id] = true;
      for (const d of descendants(id)) chosen[d] = false;
    }
  }

  const labels = new Array<number>(n).fill(-1);
  const picked = clusters.map((c, id) => ({ c, id })).filter((x) => chosen[x.id]);
  picked.sort((a, b) => Math.min(...a.c.bornWith) - Math.min(...b.c.bornWith));
  const probabilities = new Array<number>(n).fill(0);
  picked.forEach(({ c }, label) => {
    for (const x of c.bornWith) labels[x] = label;
    const top = Math.max(...[...c.bornWith].map((x) => lastLambda[x]));
    for (const x of c.bornWith) probabilities[x] = top === Infinity ? (lastLambda[x] === Infinity ? 1 : 0) : top > 0 ? lastLambda[x] / top : 1;
  });
  return { labels, probabilities };
}
