import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitLogisticRegression, logisticProbabilities, type ClassWeight } from '../../src/apps/classify/logistic-regression.ts';
import { needs, PYTHON } from '../helpers/oracles.ts';
import { problem } from './gaussian-problem.ts';

const dir = mkdtempSync(join(tmpdir(), 'embedkit-logistic-'));
if (!process.env.KEEP) process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/**
 * scikit-learn's answers on the same matrix: LogisticRegression's coef_, intercept_ and predict_proba (its L-BFGS
 * stops at SciPy's default relative decrease, so it is near the optimum, not at it), and the optimum of the very
 * objective it minimizes (its LinearModelLoss with the multinomial loss, l2 1/C, class weights as sample weights)
 * found by SciPy's L-BFGS-B run to a gradient of 1e-10.
 */
function sklearnFit(X: Float32Array[], y: Int32Array, classes: number, C: number, classWeight: 'balanced' | null) {
  const data = join(dir, `problem-${X.length}-${C}-${classWeight}.json`);
  writeFileSync(data, JSON.stringify({ X: X.map((r) => [...r]), y: [...y] }));
  const script = `
import json, sys
import numpy as np
from scipy.optimize import minimize
from sklearn.linear_model import LogisticRegression
from sklearn.linear_model._linear_loss import LinearModelLoss
from sklearn._loss.loss import HalfMultinomialLoss
from sklearn.utils.class_weight import compute_class_weight
d = json.load(open(sys.argv[1]))
X = np.array(d['X'], dtype=np.float32).astype(np.float64); y = np.array(d['y'])
K = ${classes}; cw = ${classWeight === 'balanced' ? "'balanced'" : 'None'}
m = LogisticRegression(multi_class='multinomial', solver='lbfgs', C=${C}, class_weight=cw, tol=1e-10, max_iter=10000).fit(X, y)
sw = compute_class_weight(cw, classes=np.arange(K), y=y)[y] if cw else np.ones(len(y))
loss = LinearModelLoss(base_loss=HalfMultinomialLoss(n_classes=K), fit_intercept=True)
shape = (K, X.shape[1] + 1)
f = lambda w: [v.ravel() if i else v for i, v in enumerate(loss.loss_gradient(w.reshape(shape), X, y.astype(np.float64), sw, l2_reg_strength=1.0 / ${C}))]
r = minimize(f, np.zeros(shape).ravel(), jac=True, method='L-BFGS-B', options={'gtol': 1e-10, 'ftol': 1e-16, 'maxiter': 100000})
w = r.x.reshape(shape)
print(json.dumps({'coef': m.coef_.tolist(), 'intercept': m.intercept_.tolist(), 'proba': m.predict_proba(X).tolist(), 'optimum': w.tolist(), 'gradient': float(abs(r.jac).max())}))
`;
  const r = spawnSync(PYTHON, ['-c', script, data], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { coef: number[][]; intercept: number[]; proba: number[][]; optimum: number[][]; gradient: number };
}

for (const [classes, C, classWeight] of [
  [4, 1, undefined],
  [4, 0.1, 'balanced'],
  [2, 2, 'balanced'],
] as [number, number, ClassWeight][]) {
  test(`multinomial logistic regression equals scikit-learn's (${classes} classes, C ${C}, class weights ${classWeight ?? 'none'})`, (t) => {
    if (!needs(t, 'sklearn')) return;
    const { X, y } = problem(300, 6, classes, 7 + classes);
    const ours = fitLogisticRegression(X, y, classes, { C, classWeight, tol: 1e-9, ftol: 0, maxIterations: 10000 });
    const ref = sklearnFit(X, y, classes, C, classWeight === 'balanced' ? 'balanced' : null);
    assert.ok(ours.converged);
    assert.ok(ref.gradient < 1e-6, `the reference optimum's gradient ${ref.gradient}`);
    // The optimum of scikit-learn's objective (both searches run to a gradient of about 1e-9).
    for (let k = 0; k < classes; k++) {
      for (let j = 0; j < 6; j++) assert.ok(Math.abs(ours.coef[k * 6 + j] - ref.optimum[k][j]) < 1e-7, `coef[${k}][${j}] ${ours.coef[k * 6 + j]} vs ${ref.optimum[k][j]}`);
      assert.ok(Math.abs(ours.intercept[k] - ref.optimum[k][6]) < 1e-7, `intercept[${k}] ${ours.intercept[k]} vs ${ref.optimum[k][6]}`);
    }
    // LogisticRegression itself, within its own stopping error. Binary: it keeps one row, the second class's
    // (the penalty makes the first its negative).
    const rows = classes === 2 ? [1] : Array.from({ length: classes }, (_, k) => k);
    rows.forEach((k, r) => {
      for (let j = 0; j < 6; j++) assert.ok(Math.abs(ours.coef[k * 6 + j] - ref.coef[r][j]) < 1e-4, `coef[${k}][${j}] ${ours.coef[k * 6 + j]} vs ${ref.coef[r][j]}`);
      assert.ok(Math.abs(ours.intercept[k] - ref.intercept[r]) < 1e-4, `intercept[${k}] ${ours.intercept[k]} vs ${ref.intercept[r]}`);
    });
    if (classes === 2) for (let j = 0; j < 6; j++) assert.ok(Math.abs(ours.coef[j] + ours.coef[6 + j]) < 1e-7, 'binary rows are opposite');
    let worst = 0;
    X.forEach((x, i) => logisticProbabilities(ours, x).forEach((p, k) => (worst = Math.max(worst, Math.abs(p - ref.proba[i][k])))));
    assert.ok(worst < 1e-4, `largest probability difference from predict_proba ${worst}`);
  });
}

test('bad fits are refused naming the option', () => {
  const X = [new Float32Array([1]), new Float32Array([2])];
  assert.throws(() => fitLogisticRegression(X, Int32Array.from([0, 1]), 1), /at least 2 classes/);
  assert.throws(() => fitLogisticRegression(X, Int32Array.from([0, 1]), 2, { C: 0 }), /C must be a positive number/);
  assert.throws(() => fitLogisticRegression(X, Int32Array.from([0, 1]), 2, { classWeight: [1] }), /classWeight must give 2 weights/);
  assert.throws(() => fitLogisticRegression([], new Int32Array(0), 2), /no examples/);
});
