/**
 * Shared pieces of the CLI end-to-end tests: run the real `bin/embedkit.js` as a child process, write tiny vector
 * files by hand (not with the library's writers), and compute the expected answers by brute force, so the tests
 * check the CLI against arithmetic done here rather than against the library it wraps.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO, 'bin', 'embedkit.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `embedkit ...args` through the real binary (tsx on the sources in a checkout). */
export function runCli(args: string[], cwd = REPO): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Parses stdout as JSON, failing with the whole output in the message when it is not. */
export function parseJson<T = unknown>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${r.code}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}

export function describeRun(r: CliResult): string {
  return `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
}

export function makeTempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'embedkit-cli-e2e-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Ten words in 4 dimensions, every value a multiple of 1/8 so that text and float32 binary represent it exactly.
 * Axis 0 ≈ royalty, axis 1 ≈ gender (+ male), axis 2/3 separate people from fruit.
 */
export const WORDS = ['king', 'queen', 'man', 'woman', 'prince', 'princess', 'boy', 'girl', 'apple', 'orange'];
export const VECTORS: number[][] = [
  [1, 0.5, 0.25, 0],
  [1, -0.5, 0.25, 0.125],
  [0.125, 0.5, 0, 0.5],
  [0, -0.5, 0.125, 0.5],
  [0.75, 0.625, 0.5, -0.25],
  [0.75, -0.375, 0.5, -0.125],
  [0.25, 0.75, -0.25, 0.5],
  [0.25, -0.625, -0.25, 0.625],
  [-0.5, 0, 1, -0.75],
  [-0.375, 0.125, 0.875, -1],
];
export const DIM = 4;

export function word2vecText(words = WORDS, vectors = VECTORS, header = `${words.length} ${vectors[0].length}`): string {
  return `${header}\n${words.map((w, i) => `${w} ${vectors[i].join(' ')}\n`).join('')}`;
}

/** word2vec C binary layout: "rows dim\n", then per row "word " + dim float32 LE + "\n". Also returns each row's vector offset. */
export function word2vecBinary(words = WORDS, vectors = VECTORS): { bytes: Buffer; vectorOffsets: number[] } {
  const parts: Buffer[] = [Buffer.from(`${words.length} ${vectors[0].length}\n`)];
  const vectorOffsets: number[] = [];
  let offset = parts[0].length;
  words.forEach((w, i) => {
    const word = Buffer.from(`${w} `);
    const vec = Buffer.alloc(4 * vectors[i].length);
    vectors[i].forEach((x, j) => vec.writeFloatLE(x, 4 * j));
    vectorOffsets.push(offset + word.length);
    parts.push(word, vec, Buffer.from('\n'));
    offset += word.length + vec.length + 1;
  });
  return { bytes: Buffer.concat(parts), vectorOffsets };
}

export function writeFile(dir: string, name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

// ---- brute-force reference arithmetic (float64) ----

function norm(v: number[]): number {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
}

export function unit(v: number[]): number[] {
  const n = norm(v);
  return v.map((x) => x / n);
}

export function cosine(a: number[], b: number[]): number {
  return a.reduce((s, x, i) => s + x * b[i], 0) / (norm(a) * norm(b));
}

export interface Scored {
  word: string;
  score: number;
}

const vectorOf = (w: string) => VECTORS[WORDS.indexOf(w)];

/** Cosine of every other word to the weighted sum of unit vectors (gensim's most_similar), best first. */
export function nearestTo(terms: [string, number][]): Scored[] {
  const target = new Array<number>(DIM).fill(0);
  for (const [w, weight] of terms) unit(vectorOf(w)).forEach((x, j) => (target[j] += weight * x));
  const exclude = new Set(terms.map(([w]) => w));
  return WORDS.filter((w) => !exclude.has(w))
    .map((w) => ({ word: w, score: cosine(target, vectorOf(w)) }))
    .sort((a, b) => b.score - a.score);
}

/** 3CosMul (Levy and Goldberg, as gensim's most_similar_cosmul): cosines shifted to [0, 1], multiplied. */
export function cosmulTo(positive: string[], negative: string[]): Scored[] {
  const shifted = (a: string, b: string) => (1 + cosine(vectorOf(a), vectorOf(b))) / 2;
  const exclude = new Set([...positive, ...negative]);
  return WORDS.filter((w) => !exclude.has(w))
    .map((w) => {
      const num = positive.reduce((p, q) => p * shifted(w, q), 1);
      const den = negative.reduce((p, q) => p * shifted(w, q), 1);
      return { word: w, score: num / (den + 1e-6) };
    })
    .sort((a, b) => b.score - a.score);
}

/** The smallest gap between consecutive scores among the first n: the fixture must not have near-ties there. */
export function smallestGap(list: Scored[], n: number): number {
  let gap = Infinity;
  for (let i = 1; i < Math.min(n, list.length); i++) gap = Math.min(gap, list[i - 1].score - list[i].score);
  return gap;
}

export function pearsonR(x: number[], y: number[]): number {
  const mx = x.reduce((s, v) => s + v, 0) / x.length;
  const my = y.reduce((s, v) => s + v, 0) / y.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  x.forEach((_, i) => {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}

/** Ranks 1..n with ties sharing their average rank. */
export function ranks(x: number[]): number[] {
  const order = x.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(x.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) r[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}
