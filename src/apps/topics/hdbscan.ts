import { InvalidArgumentError } from '../../errors.ts';

/** How HDBSCAN clusters: the smallest group that counts as a cluster, and how many neighbours define density. */
export interface HdbscanOptions {
  /** Fewest points a cluster may have (≥ 2). */
  minClusterSize: number;
  /** The core distance of a point is the distance to its minSamples-th nearest point, itself counted (default: minClusterSize). */
  minSamples?: number;
  /**
   * How clusters are chosen from the condensed tree: 'eom' (excess of mass, the default) keeps the most stable
   * clusters; 'leaf' keeps every cluster that never splits, the finest clusters the tree has.
   */
  clusterSelection?: ClusterSelection;
  /**
   * Excess of mass never keeps a cluster born with more points than this while it splits into smaller clusters: it
   * takes the best of those instead (default: no limit). Unlike the hdbscan library's max_cluster_size, a cluster
   * that never splits is kept whatever its size, rather than made noise.
   */
  maxClusterSize?: number;
}

/** How HDBSCAN chooses clusters from its condensed tree (the hdbscan library's cluster_selection_method). */
export type ClusterSelection = 'eom' | 'leaf';

/** Cluster labels (−1 for noise, clusters numbered 0.. in the order of their first point) and membership strengths. */
export interface HdbscanResult {
  labels: Int32Array;
  /** How firmly each point belongs to its cluster, in [0, 1] (0 for noise). */
  probabilities: Float64Array;
  /** Clusters found. 0 when the data never splits into two groups of minClusterSize points: one cluster or none. */
  clusterCount: number;
}

/**
 * HDBSCAN (Campello, Moulavi and Sander): density-based clustering that finds clusters of varying density and leaves
 * points in no dense region as noise (−1). Points are compared by Euclidean distance; the mutual-reachability
 * minimum spanning tree is built by Prim's algorithm in O(n²) time and O(n) memory (fine to ~20k points), the
 * hierarchy condensed with `minClusterSize` and the clusters chosen by excess of mass (or the leaves, with
 * `clusterSelection: 'leaf'`; `maxClusterSize` keeps excess of mass below a size); the root is never chosen
 * (no single cluster, `clusterCount` 0 then). Edges of equal weight are removed together, as the definition
 * lowers ε level by level (the hdbscan library removes them one at a time, and may then label a point that
 * bridges two clusters at exactly their split level differently).
 * @example
 * ```ts
 * import { hdbscan } from 'embedkit/apps';
 * const blob = (x: number) => Array.from({ length: 8 }, (_, i) => [x + Math.cos(i), Math.sin(i)]);
 * const { labels, clusterCount } = hdbscan([...blob(0), ...blob(20), [10, 50]], { minClusterSize: 4 });
 * console.log(clusterCount, labels.at(-1)); // 2 -1
 * ```
 */
export function hdbscan(points: readonly ArrayLike<number>[], options: HdbscanOptions): HdbscanResult {
  const n = points.length;
  const { minClusterSize } = options;
  const minSamples = options.minSamples ?? minClusterSize;
  if (!Number.isInteger(minClusterSize) || minClusterSize < 2) throw new InvalidArgumentError(`minClusterSize must be an integer ≥ 2, got ${minClusterSize}`);
  if (!Number.isInteger(minSamples) || minSamples < 1) throw new InvalidArgumentError(`minSamples must be an integer ≥ 1, got ${minSamples}`);
  const selection = options.clusterSelection ?? 'eom';
  if (selection !== 'eom' && selection !== 'leaf') throw new InvalidArgumentError(`clusterSelection must be 'eom' or 'leaf', got ${String(selection)}`);
  const maxClusterSize = options.maxClusterSize ?? Infinity;
  if (!(maxClusterSize >= 1)) throw new InvalidArgumentError(`maxClusterSize must be ≥ 1, got ${maxClusterSize}`);
  const empty = { labels: new Int32Array(n).fill(-1), probabilities: new Float64Array(n), clusterCount: 0 };
  if (n < 2) return empty;
  const dim = points[0].length;
  const flat = new Float64Array(n * dim);
  points.forEach((p, i) => {
    if (p.length !== dim) throw new InvalidArgumentError(`point ${i} has ${p.length} coordinates, point 0 has ${dim}`);
    for (let k = 0; k < dim; k++) flat[i * dim + k] = p[k];
  });
  const coreSquared = coreDistancesSquared(flat, n, dim, Math.min(minSamples, n));
  const tree = primMst(flat, n, dim, coreSquared);
  const linkage = singleLinkage(tree, n);
  const condensed = condense(linkage, n, minClusterSize);
  return selectAndLabel(condensed, n, selection, (cluster) => linkage.size[condensed.node[cluster]] > maxClusterSize);
}

/**
 * Squared distance to the k-th nearest point (the point itself first, at 0), by selection over each row. Squares
 * until the end: sqrt is monotonic, so max and order over squares are those over distances, at no sqrt per pair.
 */
function coreDistancesSquared(x: Float64Array, n: number, dim: number, k: number): Float64Array {
  const core = new Float64Array(n);
  const row = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) row[j] = squared(x, i, j, dim);
    core[i] = kthSmallest(row, k - 1);
  }
  return core;
}

function squared(x: Float64Array, i: number, j: number, dim: number): number {
  let s = 0;
  const a = i * dim;
  const b = j * dim;
  for (let k = 0; k < dim; k++) {
    const d = x[a + k] - x[b + k];
    s += d * d;
  }
  return s;
}

/** Quickselect (the array is reordered): the value that would sit at index `k` of the sorted array. */
function kthSmallest(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

/** Minimum spanning tree of the mutual-reachability graph (Prim, squared distances computed on the fly): n − 1 edges. */
function primMst(x: Float64Array, n: number, dim: number, coreSquared: Float64Array): { a: Int32Array; b: Int32Array; w: Float64Array } {
  const inTree = new Uint8Array(n);
  const best = new Float64Array(n).fill(Infinity);
  const from = new Int32Array(n).fill(-1);
  const a = new Int32Array(n - 1);
  const b = new Int32Array(n - 1);
  const w = new Float64Array(n - 1);
  let current = 0;
  inTree[0] = 1;
  for (let e = 0; e < n - 1; e++) {
    let next = -1;
    let nextW = Infinity;
    const cc = coreSquared[current];
    for (let j = 0; j < n; j++) {
      if (inTree[j]) continue;
      const d = Math.max(squared(x, current, j, dim), cc, coreSquared[j]);
      if (d < best[j]) {
        best[j] = d;
        from[j] = current;
      }
      if (best[j] < nextW || next < 0) {
        nextW = best[j];
        next = j;
      }
    }
    a[e] = from[next];
    b[e] = next;
    w[e] = Math.sqrt(nextW);
    inTree[next] = 1;
    current = next;
  }
  return { a, b, w };
}

/**
 * The single-linkage tree of the spanning tree: merges in ascending weight, node n + i made by the i-th merge,
 * with its two children, weight and size (leaves 0..n−1 are the points).
 */
interface Linkage {
  left: Int32Array;
  right: Int32Array;
  weight: Float64Array;
  size: Int32Array;
}

function singleLinkage(tree: { a: Int32Array; b: Int32Array; w: Float64Array }, n: number): Linkage {
  const order = Array.from({ length: n - 1 }, (_, i) => i).sort((p, q) => tree.w[p] - tree.w[q] || p - q);
  const parent = new Int32Array(2 * n - 1);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const find = (v: number) => {
    let r = v;
    while (parent[r] !== r) r = parent[r];
    while (parent[v] !== r) {
      const next = parent[v];
      parent[v] = r;
      v = next;
    }
    return r;
  };
  const left = new Int32Array(n - 1);
  const right = new Int32Array(n - 1);
  const weight = new Float64Array(n - 1);
  const size = new Int32Array(2 * n - 1);
  size.fill(1, 0, n);
  order.forEach((e, i) => {
    const ra = find(tree.a[e]);
    const rb = find(tree.b[e]);
    const node = n + i;
    left[i] = ra;
    right[i] = rb;
    weight[i] = tree.w[e];
    size[node] = size[ra] + size[rb];
    parent[ra] = node;
    parent[rb] = node;
  });
  return { left, right, weight, size };
}

/** The condensed tree: clusters (0 is the root) with parent, birth λ and stability; for each point the cluster it last belonged to and the λ it left at. */
interface Condensed {
  parent: number[];
  birth: number[];
  stability: number[];
  /** The linkage node each cluster was born as (its points are that node's leaves). */
  node: number[];
  lastCluster: Int32Array;
  lastLambda: Float64Array;
}

function condense(link: Linkage, n: number, minClusterSize: number): Condensed {
  const out: Condensed = { parent: [-1], birth: [0], stability: [0], node: [2 * n - 2], lastCluster: new Int32Array(n), lastLambda: new Float64Array(n) };
  const weightOf = (node: number) => (node < n ? -1 : link.weight[node - n]);
  const sizeOf = (node: number) => link.size[node];
  const gain = (lambda: number, birth: number) => (lambda === birth ? 0 : lambda - birth);
  const fallOut = (cluster: number, node: number, lambda: number) => {
    const stack = [node];
    while (stack.length) {
      const v = stack.pop()!;
      if (v < n) {
        out.lastCluster[v] = cluster;
        out.lastLambda[v] = lambda;
        out.stability[cluster] += gain(lambda, out.birth[cluster]);
      } else stack.push(link.left[v - n], link.right[v - n]);
    }
  };
  // Work list: (cluster, linkage node still inside it). Each step removes every edge of the node's weight at once.
  const work: [number, number][] = [[0, 2 * n - 2]];
  while (work.length) {
    const [cluster, start] = work.pop()!;
    let node = start;
    for (;;) {
      if (node < n) {
        // A cluster that shrank to one point (only with minClusterSize 1, which is refused) or a lone point.
        fallOut(cluster, node, Infinity);
        break;
      }
      const eps = weightOf(node);
      const lambda = 1 / eps;
      // The components left when every edge of weight eps goes: descend through nodes of that same weight.
      const parts: number[] = [];
      const stack = [node];
      while (stack.length) {
        const v = stack.pop()!;
        if (v >= n && weightOf(v) === eps) stack.push(link.left[v - n], link.right[v - n]);
        else parts.push(v);
      }
      const big = parts.filter((p) => sizeOf(p) >= minClusterSize);
      if (big.length >= 2) {
        for (const p of parts) {
          if (sizeOf(p) < minClusterSize) fallOut(cluster, p, lambda);
          else out.stability[cluster] += sizeOf(p) * gain(lambda, out.birth[cluster]);
        }
        for (const p of big) {
          out.parent.push(cluster);
          out.birth.push(lambda);
          out.stability.push(0);
          out.node.push(p);
          work.push([out.parent.length - 1, p]);
        }
        break;
      }
      for (const p of parts) if (sizeOf(p) < minClusterSize) fallOut(cluster, p, lambda);
      if (big.length === 0) break;
      node = big[0];
    }
  }
  return out;
}

/**
 * Excess-of-mass (or leaf) selection, root excluded, then labels numbered in the order of each cluster's first
 * point. `tooLarge(cluster)`: excess of mass passes over that cluster to its children when it has any.
 */
function selectAndLabel(c: Condensed, n: number, selection: ClusterSelection, tooLarge: (cluster: number) => boolean): HdbscanResult {
  const count = c.parent.length;
  const children: number[][] = Array.from({ length: count }, () => []);
  for (let id = 1; id < count; id++) children[c.parent[id]].push(id);
  const best = c.stability.slice();
  const chosen = new Uint8Array(count);
  const unchoose = (id: number) => {
    for (const ch of children[id]) {
      chosen[ch] = 0;
      unchoose(ch);
    }
  };
  // Children are always created after their parent, so descending ids visit every subtree before its root.
  for (let id = count - 1; id >= 1; id--) {
    const below = children[id].reduce((s, ch) => s + best[ch], 0);
    const split = children[id].length > 0 && (selection === 'leaf' || below > c.stability[id] || tooLarge(id));
    if (split) best[id] = below;
    else {
      chosen[id] = 1;
      unchoose(id);
    }
  }
  // The kept cluster over each cluster (itself when kept), top-down: parents have smaller ids.
  const keptAbove = new Int32Array(count).fill(-1);
  for (let id = 1; id < count; id++) keptAbove[id] = chosen[id] ? id : keptAbove[c.parent[id]];
  const labels = new Int32Array(n).fill(-1);
  const probabilities = new Float64Array(n);
  const labelOf = new Map<number, number>();
  const top = new Map<number, number>();
  for (let x = 0; x < n; x++) {
    const kept = keptAbove[c.lastCluster[x]];
    if (kept < 0) continue;
    if (!labelOf.has(kept)) labelOf.set(kept, labelOf.size);
    labels[x] = labelOf.get(kept)!;
    top.set(kept, Math.max(top.get(kept) ?? 0, c.lastLambda[x]));
  }
  for (let x = 0; x < n; x++) {
    if (labels[x] < 0) continue;
    const t = top.get(keptAbove[c.lastCluster[x]])!;
    const l = c.lastLambda[x];
    probabilities[x] = t === Infinity ? (l === Infinity ? 1 : 0) : t > 0 ? l / t : 1;
  }
  return { labels, probabilities, clusterCount: labelOf.size };
}
