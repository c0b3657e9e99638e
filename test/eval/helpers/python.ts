import { spawnSync } from 'node:child_process';
import { PYTHON } from '../../helpers/oracles.ts';

/** The system Python that has numpy, scipy and gensim (Debian packages); tests check `needs(t, …)` first. */
export { PYTHON };

/** Runs a Python script with a JSON document on stdin and parses the JSON it prints. */
export function runPythonJson<T>(script: string, input: unknown, args: string[] = []): T {
  const r = spawnSync(PYTHON, [script, ...args], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${script} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
