/**
 * CLIP encoding speed, embedkit against torch on the same tiny CLIP in the same run: the tiny CLIP's 1,000 held-out
 * pictures (PNG bytes) and captions, batches of BENCH_BATCH, BENCH_THREADS threads on each side (ONNX Runtime's
 * intra-op threads for embedkit, torch.set_num_threads for torch). torch runs the towers of
 * scripts/make-tiny-clip.py with the weights read back from the model directory's ONNX files
 * (bench/lib/clip_torch.py; its vectors are checked against reference.json and the largest difference printed).
 * Rows: decoding alone (embedkit's decodeImage against PIL: PNG to RGB; a plain PNG like these decodes without sharp,
 * see src/encoders/image-png.ts), pictures end to end (decode + the image processor + the
 * vision tower) and captions (tokenize + the text tower). The ratio is embedkit's rate over torch's (> 1: embedkit
 * is faster).
 *
 * Each rate is the best of BENCH_REPEAT runs (default 3).
 *
 * `npm run bench -- clip`. Environment: BENCH_BATCH (default 32), BENCH_THREADS (default 2), BENCH_PYTHON
 * (default /usr/bin/python3, with python3-torch, python3-onnx and python3-pil).
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ClipEncoder } from '../src/encoders/clip.ts';
import { decodeImage } from '../src/encoders/image-decode.ts';
import { heldout, heldoutPng, HELDOUT, TINY_CLIP } from '../test/helpers/tiny-clip.ts';
import { printTable, ratio } from './lib/table.ts';

const BATCH = Number(process.env.BENCH_BATCH ?? 32);
const THREADS = Number(process.env.BENCH_THREADS ?? 2);
const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const n = heldout.captions.length;
const pngs = await Promise.all(Array.from({ length: n }, (_, i) => heldoutPng(i)));
const clip = await ClipEncoder.load(TINY_CLIP, { threads: THREADS, batchSize: BATCH });
await clip.encode([heldout.captions[0], { image: pngs[0] }]); // warm-up: the first run allocates

/** Items per second, the best of REPEAT runs (a busy machine only ever slows a run down). */
const perSecond = async (work: () => Promise<unknown>) => {
  let best = 0;
  for (let r = 0; r < REPEAT; r++) {
    const t = performance.now();
    await work();
    best = Math.max(best, n / ((performance.now() - t) / 1000));
  }
  return best;
};
const decoding = await perSecond(async () => {
  for (let i = 0; i < n; i += BATCH) await Promise.all(pngs.slice(i, i + BATCH).map((image) => decodeImage({ image })));
});
const images = await perSecond(() => clip.encode(pngs.map((image) => ({ image }))));
const texts = await perSecond(() => clip.encode(heldout.captions));
await clip.dispose();

// torch after embedkit, not beside it: each side has the machine's cores to itself.
const py = spawnSync(PYTHON, [fileURLToPath(new URL('./lib/clip_torch.py', import.meta.url)), TINY_CLIP, HELDOUT, String(BATCH), String(THREADS), String(REPEAT)], { encoding: 'utf8', maxBuffer: 1 << 24 });
let torch: { decode: number; images: number; texts: number; max_diff: number; torch: string } | undefined;
if (py.status === 0) torch = JSON.parse(py.stdout.trim().split('\n').at(-1)!) as typeof torch;
else console.log(`torch side failed (${PYTHON}): ${(py.stderr || py.error?.message || '').trim().split('\n').at(-1)}`);

const row = (what: string, ours: number, theirs: number | undefined) => [what, ours.toFixed(0), theirs === undefined ? '—' : theirs.toFixed(0), theirs === undefined ? '—' : ratio(ours, theirs)];
printTable(
  'CLIP encoding, embedkit against torch (tiny CLIP, per second)',
  ['what', 'embedkit', 'torch', 'embedkit / torch'],
  [
    row('decode only (64×64 PNG → RGB; decodeImage / PIL)', decoding, torch?.decode),
    row('pictures end to end (decode + preprocess + vision tower)', images, torch?.images),
    row('captions (tokenize + text tower)', texts, torch?.texts),
  ],
);
console.log(`${n} items, batch ${BATCH}, ${THREADS} threads each, best of ${REPEAT}, load average ${loadavg()[0].toFixed(1)}`);
if (torch) console.log(`torch ${torch.torch} on the ONNX files' weights; largest difference from torch's reference vectors: ${torch.max_diff.toExponential(2)}`);
