/**
 * Principal component analysis to `components` dimensions. The points are few (a map shows hundreds) but may
 * have hundreds of dimensions, so the covariance is never formed: power iteration multiplies by Xᵀ(X v) on the
 * centred data, and each further component is deflated against the earlier ones (Gram–Schmidt).
 * Signs are fixed so the largest coordinate of each component is positive: the same input always draws the same map.
 */
export function pca(points: readonly ArrayLike<number>[], components = 2, iterations = 200): number[][] {
  const n = points.length;
  if (n === 0) return [];
  const dim = points[0].length;
  const mean = new Float64Array(dim);
  for (const p of points) for (let j = 0; j < dim; j++) mean[j] += p[j] / n;
  const x = points.map((p) => Float64Array.from({ length: dim }, (_, j) => p[j] - mean[j]));
  const axes: Float64Array[] = [];
  for (let c = 0; c < Math.min(components, dim); c++) {
    // A fixed, non-symmetric start so no component is orthogonal to it by accident of symmetry.
    let v = Float64Array.from({ length: dim }, (_, j) => 1 + ((j * 7919) % 13) / 13);
    orthogonalize(v, axes);
    normalize(v);
    for (let it = 0; it < iterations; it++) {
      const next = new Float64Array(dim);
      for (const row of x) {
        let s = 0;
        for (let j = 0; j < dim; j++) s += row[j] * v[j];
        for (let j = 0; j < dim; j++) next[j] += s * row[j];
      }
      orthogonalize(next, axes);
      if (normalize(next) === 0) break;
      const delta = next.reduce((acc, val, j) => acc + Math.abs(val - v[j]), 0);
      v = next;
      if (delta < 1e-10) break;
    }
    let big = 0;
    for (let j = 0; j < dim; j++) if (Math.abs(v[j]) > Math.abs(v[big])) big = j;
    if (v[big] < 0) for (let j = 0; j < dim; j++) v[j] = -v[j];
    axes.push(v);
  }
  while (axes.length < components) axes.push(new Float64Array(dim));
  return x.map((row) =>
    axes.map((a) => {
      let s = 0;
      for (let j = 0; j < dim; j++) s += row[j] * a[j];
      return s;
    }),
  );
}

function orthogonalize(v: Float64Array, axes: readonly Float64Array[]): void {
  for (const a of axes) {
    let d = 0;
    for (let j = 0; j < v.length; j++) d += v[j] * a[j];
    for (let j = 0; j < v.length; j++) v[j] -= d * a[j];
  }
}

function normalize(v: Float64Array): number {
  let s = 0;
  for (let j = 0; j < v.length; j++) s += v[j] * v[j];
  const n = Math.sqrt(s);
  if (n > 0) for (let j = 0; j < v.length; j++) v[j] /= n;
  return n;
}
