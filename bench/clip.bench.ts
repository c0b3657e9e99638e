/**
 * CLIP encoding speed through embedkit on the tiny CLIP's 1,000 held-out pictures and captions: decoding alone
 * (sharp: PNG to RGB), pictures end to end (decode + the model's image processor + the vision tower) and captions
 * (tokenize + the text tower), batches of BENCH_BATCH. embedkit only: the comparison with torch on the same weights
 * that issue 19 asks for is not written yet.
 *
 * `npm run bench -- clip`. Environment: BENCH_BATCH (default 32), BENCH_THREADS (default 2).
 */
import { loadavg } from 'node:os';
import { ClipEncoder } from '../src/encoders/clip.ts';
import { decodeImage } from '../src/encoders/image-decode.ts';
import { heldout, heldoutPng, TINY_CLIP } from '../test/helpers/tiny-clip.ts';
import { printTable } from './lib/table.ts';

const BATCH = Number(process.env.BENCH_BATCH ?? 32);
const THREADS = Number(process.env.BENCH_THREADS ?? 2);
const n = heldout.captions.length;
const pngs = await Promise.all(Array.from({ length: n }, (_, i) => heldoutPng(i)));
const clip = await ClipEncoder.load(TINY_CLIP, { threads: THREADS, batchSize: BATCH });
await clip.encode([heldout.captions[0], { image: pngs[0] }]); // warm-up: the first run allocates

const perSecond = async (work: () => Promise<unknown>) => {
  const t = performance.now();
  await work();
  return n / ((performance.now() - t) / 1000);
};
const decoding = await perSecond(async () => {
  for (let i = 0; i < n; i += BATCH) await Promise.all(pngs.slice(i, i + BATCH).map((image) => decodeImage({ image })));
});
const images = await perSecond(() => clip.encode(pngs.map((image) => ({ image }))));
const texts = await perSecond(() => clip.encode(heldout.captions));
await clip.dispose();

printTable(
  'CLIP encoding through embedkit (tiny CLIP)',
  ['what', 'per second'],
  [
    ['decode only (64×64 PNG → RGB)', decoding.toFixed(0)],
    ['pictures end to end', images.toFixed(0)],
    ['captions', texts.toFixed(0)],
  ],
);
console.log(`${n} items, batch ${BATCH}, ${THREADS} ONNX Runtime threads, load average ${loadavg()[0].toFixed(1)}`);
