/**
 * Transformer encoder speed on a BERT-base-sized model (12 layers, hidden 768, 12 heads, 512 positions) with random
 * weights, written at bench time by scripts/make-tiny-bert.py --size base into bench/out (never committed). The same
 * texts, as the same token ids, run through embedkit (transformers.js on ONNX Runtime) and through torch (the model
 * the ONNX file was exported from): batched (embedkit's token-budget batches, the same batches for torch) and one
 * text at a time. Same threads for both. Also prints how far embedkit's vectors are from torch's.
 *
 * `npm run bench -- transformer`. Environment: BENCH_TEXTS (default 48), BENCH_THREADS (default: every core).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TransformerEncoder } from '../src/encoders/transformer.ts';
import { planBatches } from '../src/encoders/transformer-windows.ts';
import { lcgRandom } from '../src/util/random.ts';
import { PYTHON } from './lib/measure.ts';
import { printTable, ratio } from './lib/table.ts';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const OUT = join(root, 'bench', 'out');
const MODEL = join(OUT, 'bert-base-random');
const SCRIPT = join(root, 'scripts', 'make-tiny-bert.py');
const N = Number(process.env.BENCH_TEXTS ?? 48);
const THREADS = Number(process.env.BENCH_THREADS ?? availableParallelism());
const TOKEN_BUDGET = 8192;

if (!existsSync(join(MODEL, 'onnx', 'model.onnx'))) {
  mkdirSync(OUT, { recursive: true });
  const t = performance.now();
  const r = spawnSync(PYTHON, [SCRIPT, MODEL, '--size', 'base'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${SCRIPT} --size base failed`);
  console.log(`wrote ${MODEL} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

// Texts of 8 to 100 words from the model's word list, as sentences of varied length are in practice.
const WORDS = 'the river bank money water deposit fish boat loan cash sat walked along near went my our from into over under model word vector text token long short sentence city sea rain sun tree green blue red house road car train school teacher student book read write day night time year people world open close take give make say see know think'.split(' ');
const next = lcgRandom(7);
const texts = Array.from({ length: N }, () => Array.from({ length: 8 + Math.floor(next() * 93) }, () => WORDS[Math.floor(next() * WORDS.length)]).join(' '));

const encoder = await TransformerEncoder.load(MODEL, { threads: THREADS, tokenBudget: TOKEN_BUDGET });
const rows = texts.map((t) => [2, ...encoder.tokenize(t).ids, 3]);
const tokens = rows.reduce((s, r) => s + r.length, 0);
const batches = planBatches(
  rows.map((r) => r.length),
  TOKEN_BUDGET,
  64,
);

await encoder.encode(texts.slice(0, 2)); // warm-up: first run allocates
let t = performance.now();
const batched = await encoder.encode(texts);
const oursBatched = N / ((performance.now() - t) / 1000);
t = performance.now();
for (const text of texts) await encoder.encode([text]);
const oursSingle = N / ((performance.now() - t) / 1000);
await encoder.dispose();

// torch: the module the ONNX file came from, rebuilt from the same seed by the script itself.
const job = join(OUT, 'transformer-bench-job.json');
writeFileSync(job, JSON.stringify({ rows, batches, threads: THREADS }));
const python = `
import importlib.util, json, sys, time, torch
sys.argv = ['make-tiny-bert.py', '--size', 'base']
spec = importlib.util.spec_from_file_location('tinybert', ${JSON.stringify(SCRIPT)})
m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
m.use_base_size()
job = json.load(open(${JSON.stringify(job)}))
torch.set_num_threads(job['threads'])
model = m.build_model()
rows = job['rows']
def embed(batch):
    hidden, mask = m.run(model, [rows[i] for i in batch])
    return m.pool(hidden, mask, 'mean')
embed([0, 1])
t = time.perf_counter(); vectors = {}
for b in job['batches']:
    for i, v in zip(b, embed(b)): vectors[i] = v.tolist()
batched = time.perf_counter() - t
t = time.perf_counter()
for i in range(len(rows)): embed([i])
single = time.perf_counter() - t
json.dump({'batched': batched, 'single': single, 'vectors': [vectors[i] for i in range(len(rows))]}, open(${JSON.stringify(job)}, 'w'))
`;
const r = spawnSync(PYTHON, ['-c', python], { stdio: 'inherit' });
if (r.status !== 0) throw new Error('the torch side failed');
const torchResult = JSON.parse(readFileSync(job, 'utf8')) as { batched: number; single: number; vectors: number[][] };
const torchBatched = N / torchResult.batched;
const torchSingle = N / torchResult.single;
let worst = 0;
batched.vectors.forEach((v, i) => v.forEach((x, j) => (worst = Math.max(worst, Math.abs(x - torchResult.vectors[i][j])))));

printTable(
  `transformer encoder, BERT-base shape (random weights), ${N} texts, ${tokens} tokens (${Math.round(tokens / N)} per text), ${THREADS} threads, load ${loadavg()[0].toFixed(1)}`,
  ['mode', 'embedkit texts/s', 'torch texts/s', 'embedkit / torch'],
  [
    [`batched (${batches.length} batches, ≤${TOKEN_BUDGET} padded tokens)`, oursBatched, torchBatched, ratio(oursBatched, torchBatched)],
    ['one text at a time', oursSingle, torchSingle, ratio(oursSingle, torchSingle)],
    ['batched / one at a time', ratio(oursBatched, oursSingle), ratio(torchBatched, torchSingle), ''],
  ],
);
console.log(`\nlargest difference between embedkit's and torch's unit vectors: ${worst.toExponential(2)}`);
