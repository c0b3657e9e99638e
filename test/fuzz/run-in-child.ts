// Runs one target's fuzz loop (fuzz-child.ts) in a child process and turns its outcome into a test result: an
// abort or a signal, a mutant that runs past 10 s, or any outcome other than a value or a clean error fails the
// test with the seed and the mutant index that replays it (EMBEDKIT_FUZZ_SEED=… and the index printed).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildConfig, ChildResult } from './fuzz-child.ts';
import { fuzzCount, fuzzSeed } from './mutate.ts';

/** The longest one mutant may take. */
export const CASE_LIMIT_MS = 10_000;
/** Loading tsx and the modules before the first mutant, on a busy machine. */
const STARTUP_LIMIT_MS = 60_000;
/** How much longer than its CPU limit a mutant may take on the wall clock (waiting for a core is not its fault). */
const WALL_FACTOR = 6;

/** CPU time (user + system) a process has used, from /proc (Linux); undefined elsewhere. */
function cpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name (which may hold spaces, so split after its closing parenthesis): utime and
    // stime are the 12th and 13th, in clock ticks of 1/100 s on Linux.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

const CHILD = fileURLToPath(new URL('./fuzz-child.ts', import.meta.url));

export interface FuzzRun extends ChildResult {
  /** Set when the child did not finish: what happened and at which mutant. */
  crash?: string;
}

/** Runs `target` with `count` mutants from `seed` in a child process, watching it for aborts and hangs. */
export async function runInChild(target: string, seed: number, count: number, o: { only?: number; from?: number; caseLimitMs?: number; seconds?: number } = {}): Promise<FuzzRun> {
  const { only, caseLimitMs = CASE_LIMIT_MS } = o;
  const dir = mkdtempSync(join(tmpdir(), 'embedkit-fuzz-run-'));
  const progress = join(dir, 'progress');
  writeFileSync(progress, Buffer.from(Int32Array.of(-1).buffer));
  const config: ChildConfig = { target, seed, count, progress, only, from: o.from, seconds: o.seconds, saveDir: process.env.EMBEDKIT_FUZZ_SAVE || undefined };
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  const at = () => readFileSync(progress).readInt32LE(0);

  // The watchdog: one mutant may use caseLimitMs of the child's CPU time. On a machine shared by many processes a
  // 200 ms case can wait seconds for a core, so the CPU time decides where Linux reports it; the wall clock
  // (WALL_FACTOR times the limit there, the limit itself elsewhere) catches a mutant that hangs without computing.
  let hung: string | undefined;
  let last = -1;
  let since = Date.now();
  let cpuSince = cpuMs(child.pid);
  const watchdog = setInterval(() => {
    const now = at();
    const cpu = cpuMs(child.pid);
    if (now !== last) {
      last = now;
      since = Date.now();
      cpuSince = cpu;
      return;
    }
    const limit = now < 0 ? STARTUP_LIMIT_MS : caseLimitMs;
    const wall = Date.now() - since;
    const used = cpu === undefined || cpuSince === undefined ? wall : cpu - cpuSince;
    if (used > limit || wall > (cpu === undefined ? limit : limit * WALL_FACTOR)) {
      hung = now < 0 ? `the child did not start a mutant within ${limit} ms` : `mutant ${now} ran over ${limit} ms (${used} ms of CPU, ${wall} ms of wall-clock time)`;
      child.kill('SIGKILL');
    }
  }, 250);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
  clearInterval(watchdog);
  const index = at();
  rmSync(dir, { recursive: true, force: true });

  const line = stdout.split('\n').find((l) => l.startsWith('FUZZ-RESULT '));
  if (line && code === 0) return JSON.parse(line.slice('FUZZ-RESULT '.length)) as ChildResult;
  const crash = hung ?? `the child ${signal ? `was killed by ${signal}` : `exited with code ${code}`} at mutant ${index}\n${stderr}`;
  return { target, seed, mutants: Math.max(0, index), values: 0, clean: 0, other: 1, problems: [], slowestMs: 0, slowestIndex: -1, crash };
}

/** The one-line summary every fuzz test prints. */
export function summary(r: FuzzRun): string {
  const stopped = r.stoppedEarly ? ', stopped by EMBEDKIT_FUZZ_SECONDS' : '';
  return `fuzz ${r.target}: ${r.mutants} mutants, ${r.values} values, ${r.clean} clean errors, ${r.other} other outcomes (seed ${r.seed}; slowest ${r.slowestMs.toFixed(0)} ms, mutant ${r.slowestIndex}${stopped})`;
}

/**
 * The fuzz test of one target: `inSuite` mutants in the ordinary suite (EMBEDKIT_FUZZ_MUTANTS overrides), every
 * one a value or a clean error. The failure message names the seed and each failing mutant's index.
 */
export async function fuzzTarget(target: string, inSuite: number): Promise<void> {
  const seed = fuzzSeed();
  // A time budget per target for long runs on a busy machine (the count is then an upper bound); never in the suite.
  const seconds = Number(process.env.EMBEDKIT_FUZZ_SECONDS) > 0 ? Number(process.env.EMBEDKIT_FUZZ_SECONDS) : undefined;
  const r = await runInChild(target, seed, fuzzCount(inSuite), { seconds });
  console.log(summary(r));
  const replay = `replay: EMBEDKIT_FUZZ_SEED=${seed} and at least index + 1 mutants (EMBEDKIT_FUZZ_MUTANTS); EMBEDKIT_FUZZ_SAVE=dir keeps the failing mutants' bytes`;
  assert.equal(r.crash, undefined, `${target}: ${r.crash}\n${replay}`);
  const problems = r.problems.map((p) => `  mutant ${p.index} (${p.input}): ${p.problem}`).join('\n');
  assert.equal(r.other, 0, `${target}: ${r.other} mutants ended in neither a value nor a clean error\n${problems}\n${replay}`);
  assert.equal(r.values + r.clean, r.mutants);
}
