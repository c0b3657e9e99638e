import { spawn } from 'node:child_process';

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
