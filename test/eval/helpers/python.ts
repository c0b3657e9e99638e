import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The system Python that has numpy, scipy and gensim (Debian packages). */
export const PYTHON = '/usr/bin/python3';

/** Whether /usr/bin/python3 can import the given modules; tests skip when it cannot. */
export function pythonHas(...modules: string[]): boolean {
  if (!existsSync(PYTHON)) return false;
  const r = spawnSync(PYTHON, ['-c', modules.map((m) => `import ${m}`).join('; ')], { encoding: 'utf8' });
  return r.status === 0;
}

/** Runs a Python script with a JSON document on stdin and parses the JSON it prints. */
export function runPythonJson<T>(script: string, input: unknown, args: string[] = []): T {
  const r = spawnSync(PYTHON, [script, ...args], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${script} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
