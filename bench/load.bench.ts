/**
 * Loading vectors files: embedkit's loadEmbeddings against gensim's KeyedVectors.load_word2vec_format on the
 * same files, each in its own process, measured the same way (wall seconds and peak RSS via /usr/bin/time),
 * plus the load call alone as each process times it (without interpreter start-up and imports).
 * Files: a word2vec binary of ~1 GiB (random words, 300 dims), read whole and with `limit` (first 100,000 rows),
 * and a text file a sixteenth of its rows. All live in a temporary folder removed at the end.
 * embedkit runs as users run it: the built JavaScript (dist/src/formats/index.js) with plain node.
 * `npm run bench -- load`; EMBEDKIT_BENCH_LOAD_MB=50 shrinks the binary (the text file follows).
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { saveEmbeddings } from '../src/formats/index.ts';
import { Embeddings } from '../src/vectors/embeddings.ts';
import { Vocabulary } from '../src/vocab/vocabulary.ts';
import { builtCli } from './lib/built-cli.ts';
import { measure, PYTHON, type Measured } from './lib/measure.ts';
import { printTable, ratio } from './lib/table.ts';

const DIM = 300;
const MB = Number(process.env.EMBEDKIT_BENCH_LOAD_MB ?? 1024);
const LIMIT = 100_000;
const ROOT = resolve(fileURLToPath(import.meta.url), '../..');

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Random lowercase words (3–12 letters), made unique by a base-36 suffix, and Gaussian-ish vectors. */
function randomEmbeddings(rows: number, seed: number): Embeddings {
  const next = rng(seed);
  const words = new Array<string>(rows);
  for (let i = 0; i < rows; i++) {
    let w = '';
    const n = 3 + Math.floor(next() * 10);
    for (let k = 0; k < n; k++) w += String.fromCharCode(97 + Math.floor(next() * 26));
    words[i] = `${w}${i.toString(36)}`;
  }
  const v = new Float32Array(rows * DIM);
  for (let i = 0; i < v.length; i++) v[i] = (next() + next() + next() - 1.5) * 0.5;
  return new Embeddings(new Vocabulary(words), v, DIM);
}

/** The script that times one load; `formats` is the module to import (built JavaScript, or the sources). */
function ourScript(formats: string): string {
  return `
import { loadEmbeddings } from ${JSON.stringify(pathToFileURL(formats).href)};
const t0 = performance.now();
const limit = process.argv[3] ? Number(process.argv[3]) : undefined;
const emb = await loadEmbeddings(process.argv[2], { limit });
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(JSON.stringify({ rows: emb.size, dim: emb.dim, seconds }));
process.exit(0);
`;
}

const GENSIM = String.raw`
import json, sys, time
from gensim.models import KeyedVectors
t0 = time.perf_counter()
limit = int(sys.argv[3]) if len(sys.argv) > 3 else None
kv = KeyedVectors.load_word2vec_format(sys.argv[1], binary=sys.argv[2] == "binary", limit=limit)
print(json.dumps({"rows": len(kv.index_to_key), "dim": kv.vector_size, "seconds": time.perf_counter() - t0}))
`;

interface Run extends Measured {
  loadSeconds: number;
}

function parsed(m: Measured, rows: number, who: string): Run {
  const r = JSON.parse(m.stdout.trim().split('\n').pop()!) as { rows: number; dim: number; seconds: number };
  if (r.rows !== rows || r.dim !== DIM) throw new Error(`${who} read ${r.rows}×${r.dim}, expected ${rows}×${DIM}`);
  return { ...m, loadSeconds: r.seconds };
}

const dir = mkdtempSync(join(tmpdir(), 'embedkit-bench-load-'));
try {
  const binRows = Math.max(1000, Math.round((MB * 1048576) / (DIM * 4 + 12)));
  const textRows = Math.max(100, Math.round(binRows / 16));
  const limitRows = Math.min(LIMIT, binRows);
  const binPath = join(dir, 'vectors.bin');
  const textPath = join(dir, 'vectors.txt');
  // Build into the temporary folder (as bench/word2vec does) and load through dist/src/formats/index.js.
  builtCli(dir);
  const builtFormats = join(dir, 'dist/src/formats/index.js');
  const built = existsSync(builtFormats);
  const ours = join(dir, built ? 'load.mjs' : 'load.mts');
  writeFileSync(ours, ourScript(built ? builtFormats : join(ROOT, 'src/formats/index.ts')));
  const ourArgs = built ? [ours] : ['--import', 'tsx', ours];
  console.log(built ? `embedkit runs the built JavaScript with plain node (${builtFormats})` : 'embedkit runs from the TypeScript sources through tsx (the build failed)');
  await saveEmbeddings(randomEmbeddings(binRows, 1), binPath, { format: 'word2vec-binary' });
  await saveEmbeddings(randomEmbeddings(textRows, 2), textPath, { format: 'word2vec-text' });

  const load1 = loadavg()[0];
  const rows: (string | number)[][] = [];
  for (const [label, path, n, kind, limit] of [
    ['word2vec binary', binPath, binRows, 'binary', undefined],
    [`word2vec binary, limit ${limitRows.toLocaleString('en-US')}`, binPath, limitRows, 'binary', limitRows],
    ['word2vec text', textPath, textRows, 'text', undefined],
  ] as const) {
    const size = `${(statSync(path).size / 1048576).toFixed(0)} MiB, ${n.toLocaleString('en-US')} × ${DIM}`;
    const extra = limit === undefined ? [] : [String(limit)];
    const g = parsed(await measure(PYTHON, ['-c', GENSIM, path, kind, ...extra]), n, 'gensim');
    const e = parsed(await measure(process.execPath, [...ourArgs, path, ...extra], { ...process.env, NODE_OPTIONS: '' }), n, 'embedkit');
    rows.push([label, size, 'gensim 4.2', g.seconds, g.loadSeconds, g.peakRssMiB, '1.00×', '1.00×']);
    rows.push([label, size, 'embedkit', e.seconds, e.loadSeconds, e.peakRssMiB, ratio(g.seconds, e.seconds), ratio(g.loadSeconds, e.loadSeconds)]);
  }
  const load2 = loadavg()[0];
  printTable(
    `Loading vectors (one process per load, page cache warm after writing; 1-min load average ${load1.toFixed(2)} before, ${load2.toFixed(2)} after)`,
    ['file', 'size', 'tool', 'wall s', 'load call s', 'peak RSS MiB', 'speed vs gensim (wall)', 'speed vs gensim (load call)'],
    rows,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
