import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitLogisticRegression, logisticProbabilities, type ClassWeight } from '../../src/apps/classify/logistic-regression.ts';
import { needs, PYTHON } from '../helpers/oracles.ts';
import { problem } from './gaussian-problem.ts';

const dir = mkdtempSync(join(tmpdir(), 'embedkit-logistic-sgd-'));
if (!process.env.KEEP) process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/**
 * scikit-learn's SGDClassifier(loss='log_loss', penalty='l2', learning_rate='optimal') on the training rows, with
 * alpha = 1 / (C · n): its accuracy on the held-out rows, and its objective as fitLogisticSgd counts it (per binary
 * problem Σ weight · log(1 + e^(−y·p)) + n·alpha/2·‖w‖², summed; weights as scikit-learn applies class weights),
 * and the least value of that objective (each binary problem solved to a gradient of 1e-10 by SciPy's L-BFGS-B).
 */
function sklearnSgd(X: Float32Array[], y: Int32Array, train: number, classes: number, C: number, classWeight: 'balanced' | null) {
  const data = join(dir, `problem-${classes}-${C}-${classWeight}.json`);
  writeFileSync(data, JSON.stringify({ X: X.map((r) => [...r]), y: [...y] }));
  const script = `
import json, sys
import numpy as np
from scipy.optimize import minimize
from sklearn.linear_model import SGDClassifier
from sklearn.utils.class_weight import compute_class_weight
d = json.load(open(sys.argv[1]))
X = np.array(d['X'], dtype=np.float32).astype(np.float64); y = np.array(d['y'])
n = ${train}; K = ${classes}; cw = ${classWeight === 'balanced' ? "'balanced'" : 'None'}
Xt, yt, Xh, yh = X[:n], y[:n], X[n:], y[n:]
alpha = 1.0 / (${C} * n)
cwv = compute_class_weight(cw, classes=np.arange(K), y=yt) if cw else np.ones(K)
problems = [1] if K == 2 else list(range(K))
def problem(k):
    s = np.where(yt == k, 1.0, -1.0)
    w = np.where(yt == k, cwv[k], cwv[0] if K == 2 else 1.0)
    return s, w
def objective(coef, b, k):
    s, w = problem(k)
    return float(np.sum(w * np.logaddexp(0, -s * (Xt @ coef + b))) + n * alpha / 2 * coef @ coef)
accs, objs = [], []
for seed in range(5):
    m = SGDClassifier(loss='log_loss', penalty='l2', alpha=alpha, learning_rate='optimal', tol=1e-3, max_iter=1000, class_weight=cw, random_state=seed).fit(Xt, yt)
    accs.append(float((m.predict(Xh) == yh).mean()))
    objs.append(sum(objective(m.coef_[i], m.intercept_[i], k) for i, k in enumerate(problems)))
best = 0.0
for k in problems:
    f = lambda v: objective(v[:-1], v[-1], k)
    r = minimize(f, np.zeros(X.shape[1] + 1), method='L-BFGS-B', options={'gtol': 1e-10, 'ftol': 1e-16, 'maxiter': 100000})
    best += r.fun
print(json.dumps({'accuracy': accs, 'objective': objs, 'optimum': best}))
`;
  const r = spawnSync(PYTHON, ['-c', script, data], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { accuracy: number[]; objective: number[]; optimum: number };
}

for (const [classes, C, classWeight] of [
  [4, 1, undefined],
  [4, 0.1, 'balanced'],
  [2, 2, 'balanced'],
] as [number, number, ClassWeight][]) {
  test(`SGD logistic regression reaches scikit-learn's SGDClassifier (${classes} classes, C ${C}, class weights ${classWeight ?? 'none'})`, (t) => {
    if (!needs(t, 'sklearn')) return;
    const { X, y } = problem(600, 6, classes, 7 + classes);
    const train = 400;
    const ref = sklearnSgd(X, y, train, classes, C, classWeight === 'balanced' ? 'balanced' : null);
    const ours = [1, 2, 3, 4, 5].map((seed) => fitLogisticRegression(X.slice(0, train), y.slice(0, train), classes, { solver: 'sgd', C, classWeight, tol: 1e-3, maxIterations: 1000, seed }));
    const accuracy = ours.map((fit) => {
      let right = 0;
      for (let i = train; i < X.length; i++) {
        const p = logisticProbabilities(fit, X[i]);
        if (p.indexOf(Math.max(...p)) === y[i]) right++;
      }
      return right / (X.length - train);
    });
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    for (const fit of ours) assert.ok(fit.converged);
    // Held-out accuracy: the mean over 5 seeds within 0.03 of scikit-learn's mean over 5 seeds.
    assert.ok(Math.abs(mean(accuracy) - mean(ref.accuracy)) <= 0.03, `accuracy ${mean(accuracy)} vs scikit-learn's ${mean(ref.accuracy)}`);
    // The objective reached: never below the optimum (a check of its bookkeeping), and on average no further above
    // it than 1.5 times scikit-learn's average distance (both are noisy: plain SGD stops near the optimum, not at it).
    for (const fit of ours) assert.ok(fit.loss >= ref.optimum * (1 - 1e-9), `objective ${fit.loss} below the optimum ${ref.optimum}`);
    const gap = mean(ours.map((f) => f.loss)) - ref.optimum;
    const refGap = mean(ref.objective) - ref.optimum;
    assert.ok(gap <= 1.5 * refGap, `objective ${gap} above the optimum ${ref.optimum}; scikit-learn's ${refGap} (${ref.objective.join(', ')})`);
  });
}
