import { spawn, spawnSync } from 'node:child_process';

/**
 * Runs a command under /usr/bin/time so every peer (ours included) is measured the same way:
 * wall seconds, CPU seconds and peak resident memory of the whole process.
 */
export interface Measured {
  seconds: number;
  /** User plus system CPU seconds of the process and its threads: on a loaded machine, steadier than wall time. */
  cpuSeconds: number;
  peakRssMiB: number;
  stdout: string;
  stderr: string;
}

/** `onStderr` sees the standard error as it arrives, with the seconds since the start (to time a run's phases). */
export async function measure(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, onStderr?: (text: string, seconds: number) => void): Promise<Measured> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const p = spawn('/usr/bin/time', ['-f', '__RSS_KB__ %M %U %S', cmd, ...args], { env });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => {
      stderr += d;
      onStderr?.(String(d), (performance.now() - t0) / 1000);
    });
    p.on('error', reject);
    p.on('close', (code) => {
      const seconds = (performance.now() - t0) / 1000;
      const m = /__RSS_KB__ (\d+) ([\d.]+) ([\d.]+)/.exec(stderr);
      if (code !== 0) return reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${stderr.slice(-2000)}`));
      const cpuSeconds = m ? Number(m[2]) + Number(m[3]) : NaN;
      resolve({ seconds, cpuSeconds, peakRssMiB: m ? Number(m[1]) / 1024 : NaN, stdout, stderr: stderr.replace(/__RSS_KB__ \d+ [\d.]+ [\d.]+\n?/, '') });
    });
  });
}

/** The Python that has Debian's gensim. */
export const PYTHON = '/usr/bin/python3';

/**
 * The kernels OpenBLAS runs for numpy, gensim and scikit-learn here ("Haswell", "SkylakeX", ...), or why it is not
 * known. On a virtual machine whose processor it does not recognise, OpenBLAS falls back to its oldest kernels
 * ("Prescott"), several times slower (numpy's 100,000 × 300 product: 28.6 ms against 13.1 ms with
 * OPENBLAS_CORETYPE=Haswell on one such machine), which would flatter every ratio against those peers.
 */
export function openBlasCore(): string {
  const r = spawnSync(PYTHON, ['-c', 'import numpy'], { encoding: 'utf8', env: { ...process.env, OPENBLAS_VERBOSE: '2' } });
  if (r.error) return `unknown (${PYTHON}: ${r.error.message})`;
  return /Core: (\S+)/.exec(r.stdout + r.stderr)?.[1] ?? 'unknown (numpy printed no OpenBLAS core)';
}
