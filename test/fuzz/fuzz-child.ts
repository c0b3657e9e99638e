// One target's fuzz loop, run in a child process by run-in-child.ts so that an abort (SIGABRT, an out-of-memory
// kill) fails the test with the seed and mutant index instead of killing the test runner. Before each mutant the
// child writes its index to the progress file (one synchronous pwrite): after a crash or a hang the parent reads
// there which mutant it was. At the end it prints one line, FUZZ-RESULT followed by the counts as JSON.
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { EmbedkitError } from '../../src/errors.ts';
import type { LoadOptions } from '../../src/formats/index.ts';
import { allFinite } from '../../src/formats/finite-values.ts';
import type { Embeddings } from '../../src/vectors/embeddings.ts';
import { mutants } from './mutate.ts';
import { readerTarget } from './reader-targets.ts';
import { serverFuzz } from './server-target.ts';

export interface ChildConfig {
  target: string;
  seed: number;
  count: number;
  /** File the child writes the index of the mutant it is on to (int32 at byte 0). */
  progress: string;
  /** Run only this mutant (the others are generated, not run): replays a reported failure. */
  only?: number;
  /** Run only the mutants from this index on (with the ones before it, a failure may need its predecessors). */
  from?: number;
  /** Stop starting mutants this many seconds after the first: the long run's time budget per target. */
  seconds?: number;
  /** Folder that receives the bytes of every mutant with another outcome (EMBEDKIT_FUZZ_SAVE). */
  saveDir?: string;
}

export interface Problem {
  index: number;
  input: string;
  problem: string;
}

export interface ChildResult {
  target: string;
  seed: number;
  mutants: number;
  values: number;
  clean: number;
  other: number;
  /** The first mutant of each kind of problem, up to 20 (all are counted in `other`). */
  problems: Problem[];
  /** True when the time budget ended the run before `count` mutants. */
  stoppedEarly?: boolean;
  /** Longest single mutant, in milliseconds, and its index. */
  slowestMs: number;
  slowestIndex: number;
}

export type Outcome = { kind: 'value' } | { kind: 'clean' } | { kind: 'other'; problem: string };

/** A mutant a target hands to the loop: how to describe it, its bytes (for saving) and how to run it. */
export interface Case {
  input: string;
  bytes: Uint8Array;
  ext: string;
  run: () => Promise<Outcome>;
}

const MAX_PROBLEMS = 20;

/** Mutant i of a reader target: its seed files in turn, each with its own mutant stream; options in turn too. */
function* readerCases(name: string, seed: number, count: number, dir: string): Generator<Case> {
  const target = readerTarget(name);
  const seeds = target.seeds();
  const streams = seeds.map((s, k) => mutants(s.bytes, seed * 7919 + k, Math.ceil(count / seeds.length) + 1));
  const path = join(dir, `mutant${target.ext}`);
  for (let i = 0; i < count; i++) {
    const k = i % seeds.length;
    const s = seeds[k];
    const mutated = streams[k].next().value!.bytes;
    const bytes = s.gzip ? new Uint8Array(gzipSync(mutated)) : mutated;
    const options = target.options[Math.floor(i / seeds.length) % target.options.length];
    const input = `${s.label} ${JSON.stringify(withoutFunctions(options))}`;
    yield {
      input,
      bytes,
      ext: target.ext,
      run: async () => {
        writeFileSync(path, bytes);
        let emb: Embeddings;
        try {
          emb = await target.load(path, options);
        } catch (err) {
          return cleanError(err, path);
        }
        return soundValue(emb, target.expectedDim(bytes), options);
      },
    };
  }
}

/** An EmbedkitError naming the file and a line or byte is clean; anything else is a problem. */
function cleanError(err: unknown, path: string): Outcome {
  if (!(err instanceof EmbedkitError)) {
    const e = err as Error;
    return { kind: 'other', problem: `threw ${e?.name ?? typeof err}: ${e?.message ?? String(err)}\n${e?.stack ?? ''}` };
  }
  if (!err.message.includes(path)) return { kind: 'other', problem: `EmbedkitError without the file: ${err.message}` };
  if (!/\b(line|byte) \d+/.test(err.message)) return { kind: 'other', problem: `EmbedkitError without a line or byte: ${err.message}` };
  return { kind: 'clean' };
}

/** A loaded value: every vector finite, the matrix as large as the vocabulary, the dimension the file promised. */
function soundValue(emb: Embeddings, dim: number | undefined, options: LoadOptions): Outcome {
  const fail = (problem: string): Outcome => ({ kind: 'other', problem });
  if (dim !== undefined && emb.dim !== dim) return fail(`loaded dimension ${emb.dim}, the file says ${dim}`);
  if (emb.vectors.length !== emb.size * emb.dim) return fail(`${emb.vectors.length} floats for ${emb.size}×${emb.dim}`);
  if (options.limit !== undefined && emb.size > options.limit) return fail(`${emb.size} rows loaded with limit ${options.limit}`);
  if (!allFinite(emb.vectors)) return fail('a non-finite value was loaded');
  if (emb.size > 0) {
    // The first query anyone makes: its scores must be numbers (a row of huge values must not make them NaN).
    const word = emb.vocab.word(0);
    for (const n of emb.mostSimilar({ positive: [word], topn: 3 })) {
      if (!Number.isFinite(n.score)) return fail(`mostSimilar(${JSON.stringify(word)}) scored ${n.word} ${n.score}`);
    }
  }
  if (emb.oov) {
    // A fastText model builds unknown words from n-gram rows: their sum must stay finite too.
    const v = emb.oov.vectorFor('qzxjvk');
    if (v && !allFinite(v)) return fail('the vector of an unknown word (from n-grams) is not finite');
  }
  return { kind: 'value' };
}

/**
 * Targets that misbehave on purpose at mutant 3, for harness.test.ts: the loop must report each (abort, hang,
 * stray exception type, error without a location) with its index rather than pass or take the runner down.
 */
function* harnessCases(name: string, count: number): Generator<Case> {
  for (let i = 0; i < count; i++) {
    const bad = i === 3;
    const run = async (): Promise<Outcome> => {
      if (bad && name === 'harness-abort') process.abort();
      if (bad && name === 'harness-hang') for (;;);
      if (bad && name === 'harness-throw') return cleanError(new TypeError('not a clean error'), 'f');
      if (bad && name === 'harness-unlocated') return cleanError(new EmbedkitError('format_error', 'no location', { file: 'f' }), 'f');
      return i % 2 === 0 ? { kind: 'value' } : cleanError(new EmbedkitError('format_error', 'located', { file: 'f', byte: i }), 'f');
    };
    yield { input: `harness mutant ${i}`, bytes: new Uint8Array(), ext: '.bin', run };
  }
}

function withoutFunctions(o: object): object {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => typeof v !== 'function'));
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]) as ChildConfig;
  // Mutants are written and read thousands of times: a memory file system where there is one.
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'embedkit-fuzz-'));
  const progress = openSync(config.progress, 'r+');
  const mark = Buffer.alloc(4);
  const result: ChildResult = { target: config.target, seed: config.seed, mutants: 0, values: 0, clean: 0, other: 0, problems: [], slowestMs: 0, slowestIndex: -1 };
  const server = config.target === 'server-json' ? await serverFuzz() : undefined;
  try {
    const cases = server
      ? server.cases(config.seed, config.count)
      : config.target.startsWith('harness-')
        ? harnessCases(config.target, config.count)
        : readerCases(config.target, config.seed, config.count, dir);
    const deadline = config.seconds === undefined ? undefined : Date.now() + config.seconds * 1000;
    let index = 0;
    const kinds = new Set<string>();
    for (const c of cases) {
      const i = index++;
      if ((config.only !== undefined && i !== config.only) || (config.from !== undefined && i < config.from)) continue;
      if (deadline !== undefined && Date.now() > deadline) {
        result.stoppedEarly = true;
        break;
      }
      mark.writeInt32LE(i, 0);
      writeSync(progress, mark, 0, 4, 0);
      const started = performance.now();
      let outcome: Outcome;
      try {
        outcome = await c.run();
      } catch (err) {
        outcome = { kind: 'other', problem: `the check itself threw: ${(err as Error)?.stack ?? String(err)}` };
      }
      const ms = performance.now() - started;
      if (ms > result.slowestMs) {
        result.slowestMs = ms;
        result.slowestIndex = i;
      }
      result.mutants++;
      if (outcome.kind === 'value') result.values++;
      else if (outcome.kind === 'clean') result.clean++;
      else {
        result.other++;
        // One example of each kind of problem (numbers and the temporary path aside), so a frequent one hides no other.
        const kind = outcome.problem.split('\n')[0].replace(dir, '').replace(/\d+/g, 'N').slice(0, 120);
        if (!kinds.has(kind) && result.problems.length < MAX_PROBLEMS) {
          kinds.add(kind);
          result.problems.push({ index: i, input: c.input, problem: outcome.problem.slice(0, 2000) });
        }
        if (config.saveDir) {
          mkdirSync(config.saveDir, { recursive: true });
          writeFileSync(join(config.saveDir, `${config.target}-${config.seed}-${i}${c.ext}`), c.bytes);
        }
      }
    }
  } finally {
    closeSync(progress);
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`FUZZ-RESULT ${JSON.stringify(result)}\n`);
}

await main();
