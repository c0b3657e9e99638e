import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { ClipEncoder, InputItemError } from '../../src/encoders/clip.ts';
import { isClipModelDirectory, readClipModelDirectory } from '../../src/encoders/clip-model-dir.ts';
import { encoderSpecKind, openEncoder } from '../../src/encoders/open-encoder.ts';
import { EmbedkitError } from '../../src/errors.ts';
import { heldout, heldoutPng, HELDOUT, TINY_CLIP } from '../helpers/tiny-clip.ts';

interface Reference {
  logit_scale: number;
  images: { sprite_indices: number[]; vectors: number[][] };
  texts: { texts: string[]; ids: number[][]; vectors: number[][] };
  classify: { sprite_indices: number[]; labels: string[]; template: string; probabilities: number[][] };
  resized: { file: string; vector: number[] };
  heldout_recall_at_1: { image_to_text: number; text_to_image: number };
}
const ref = JSON.parse(readFileSync(join(TINY_CLIP, 'reference.json'), 'utf8')) as Reference;

const TOLERANCE = 1e-5;
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

describe('ClipEncoder on the tiny CLIP', () => {
  let clip: ClipEncoder;
  let dir: string;
  before(async () => {
    clip = await ClipEncoder.load(TINY_CLIP);
    dir = mkdtempSync(join(tmpdir(), 'embedkit-clip-'));
  });
  after(async () => {
    await clip.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  test('reads the model directory: projection size, text window, trained logit scale', () => {
    assert.equal(isClipModelDirectory(TINY_CLIP), true);
    assert.equal(encoderSpecKind(TINY_CLIP), 'clip');
    assert.equal(encoderSpecKind('test/fixtures/tiny-bert'), 'transformer');
    assert.equal(clip.dim, 64);
    assert.equal(clip.maxTokens, 32);
    assert.ok(Math.abs(clip.logitScale - ref.logit_scale) < 1e-3 * ref.logit_scale);
    assert.equal(clip.id, 'clip:tiny-clip');
  });

  test('text vectors equal torch’s within 1e-5, one batch with padding', async () => {
    const { vectors, tokens } = await clip.encode(ref.texts.texts);
    assert.deepEqual(tokens, ref.texts.ids.map((ids) => ids.length));
    vectors.forEach((v, i) => assert.ok(maxDiff(v, ref.texts.vectors[i]) < TOLERANCE, `text ${i}: ${maxDiff(v, ref.texts.vectors[i])}`));
  });

  test('image vectors equal torch’s within 1e-5, whether given as bytes, a path, a file URL or a data URL', async () => {
    const pngs = await Promise.all(ref.images.sprite_indices.map(heldoutPng));
    const paths = pngs.map((png, k) => {
      const p = join(dir, `picture ${k}.png`);
      writeFileSync(p, png);
      return p;
    });
    const forms = [
      pngs.map((image) => ({ image })),
      paths.map((image) => ({ image })),
      paths.map((p) => ({ image: pathToFileURL(resolve(p)).href })),
      pngs.map((png) => ({ image: `data:image/png;base64,${png.toString('base64')}` })),
    ];
    for (const inputs of forms) {
      const { vectors, tokens } = await clip.encode(inputs);
      assert.deepEqual(tokens, [0, 0, 0, 0]);
      vectors.forEach((v, i) => assert.ok(maxDiff(v, ref.images.vectors[i]) < TOLERANCE, `image ${i}: ${maxDiff(v, ref.images.vectors[i])}`));
    }
  });

  test('texts and images mixed in one call keep their order', async () => {
    const png = await heldoutPng(ref.images.sprite_indices[0]);
    const { vectors } = await clip.encode([ref.texts.texts[1], { image: png }, ref.texts.texts[0]]);
    assert.ok(maxDiff(vectors[0], ref.texts.vectors[1]) < TOLERANCE);
    assert.ok(maxDiff(vectors[1], ref.images.vectors[0]) < TOLERANCE);
    assert.ok(maxDiff(vectors[2], ref.texts.vectors[0]) < TOLERANCE);
  });

  test('a picture of another size is resized to the shortest edge and centre-cropped as the processor config says', async () => {
    // torch's reference resized with PIL's bicubic filter, transformers.js with sharp's: the same picture to within
    // resampling differences, far nearer than any other held-out picture.
    const { vectors } = await clip.encode([{ image: join(HELDOUT, ref.resized.file) }]);
    const cos = dot(vectors[0], ref.resized.vector);
    assert.ok(cos > 0.999, `cosine with torch's ${cos}`);
  });

  test('zero-shot classification: softmax of cosine × the model’s logit scale, as torch computes it', async () => {
    for (let k = 0; k < ref.classify.sprite_indices.length; k++) {
      const image = { image: await heldoutPng(ref.classify.sprite_indices[k]) };
      const scores = await clip.classify(image, ref.classify.labels, { template: ref.classify.template });
      assert.deepEqual(scores.map((s) => s.label), ref.classify.labels);
      assert.ok(maxDiff(scores.map((s) => s.probability), ref.classify.probabilities[k]) < TOLERANCE);
    }
  });

  test('held-out recall@1 through embedkit: text→image and image→text ≥ 0.8 on 1,000 pairs, as torch measured', async () => {
    const n = heldout.captions.length;
    assert.equal(n, 1000);
    assert.equal(new Set(heldout.captions).size, n, 'every held-out caption names one picture');
    const images = await Promise.all(Array.from({ length: n }, (_, i) => heldoutPng(i)));
    const img = (await clip.encode(images.map((image) => ({ image })))).vectors;
    const txt = (await clip.encode(heldout.captions)).vectors;
    let i2t = 0;
    let t2i = 0;
    const sims = img.map((a) => txt.map((b) => dot(a, b)));
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let j = 1; j < n; j++) if (sims[i][j] > sims[i][best]) best = j;
      if (best === i) i2t++;
      best = 0;
      for (let j = 1; j < n; j++) if (sims[j][i] > sims[best][i]) best = j;
      if (best === i) t2i++;
    }
    const recall = { image_to_text: i2t / n, text_to_image: t2i / n };
    console.log(`held-out recall@1 (embedkit): ${JSON.stringify(recall)}; torch: ${JSON.stringify(ref.heldout_recall_at_1)}`);
    assert.ok(recall.image_to_text >= 0.8 && recall.text_to_image >= 0.8, JSON.stringify(recall));
    assert.ok(Math.abs(recall.image_to_text - ref.heldout_recall_at_1.image_to_text) <= 0.002);
    assert.ok(Math.abs(recall.text_to_image - ref.heldout_recall_at_1.text_to_image) <= 0.002);
  });

  test('a batch with one bad picture: an error naming its index, or per-item errors with partial', async () => {
    const good = await heldoutPng(ref.images.sprite_indices[0]);
    const bad = Buffer.from('not a picture at all');
    const inputs = [{ image: good }, 'a small red circle at the top left', { image: bad }, { image: good }];
    await assert.rejects(clip.encode(inputs), (err: unknown) => err instanceof InputItemError && err.index === 2 && err.code === 'image_format' && /^input 2: /.test(err.message));
    const { vectors, errors } = await clip.encode(inputs, { partial: true });
    assert.deepEqual(errors.map((e) => e?.code), [undefined, undefined, 'image_format', undefined]);
    assert.ok(maxDiff(vectors[0], ref.images.vectors[0]) < TOLERANCE);
    assert.ok(maxDiff(vectors[3], ref.images.vectors[0]) < TOLERANCE);
    assert.ok(vectors[2].every((x) => x === 0));
  });

  test('an aborted signal stops the call with its reason; onTokens sees the counts first (0 for a picture)', async () => {
    const controller = new AbortController();
    controller.abort(new Error('client went away'));
    await assert.rejects(clip.encode(ref.texts.texts, { signal: controller.signal }), /client went away/);
    const seen: number[][] = [];
    const png = await heldoutPng(ref.images.sprite_indices[0]);
    const refusal = new Error('over the limit');
    await assert.rejects(
      clip.encode([ref.texts.texts[0], { image: png }], {
        onTokens: (t) => {
          seen.push([...t]);
          if (t.length === 2) throw refusal;
        },
      }),
      (err) => err === refusal,
    );
    assert.deepEqual(seen, [[ref.texts.ids[0].length], [ref.texts.ids[0].length, 0]]);
  });

  test('inputs that are neither text nor image are refused', async () => {
    await assert.rejects(clip.encode([42 as unknown as string]), /input 0 is neither a text nor an image/);
  });
});

describe('CLIP weight types and openEncoder', () => {
  test('dtype q8 runs the *_quantized.onnx files: near fp32, not the same numbers', async () => {
    const q8 = await ClipEncoder.load(TINY_CLIP, { dtype: 'q8' });
    try {
      assert.equal(q8.model.textModelFile, 'onnx/text_model_quantized.onnx');
      const { vectors } = await q8.encode([ref.texts.texts[0], { image: await heldoutPng(ref.images.sprite_indices[0]) }]);
      const cosText = dot(vectors[0], ref.texts.vectors[0]);
      const cosImage = dot(vectors[1], ref.images.vectors[0]);
      assert.ok(cosText > 0.98 && cosImage > 0.98, `${cosText} ${cosImage}`);
      assert.ok(maxDiff(vectors[0], ref.texts.vectors[0]) > 1e-6, 'the quantized files were not used');
    } finally {
      await q8.dispose();
    }
  });

  test('a weight type without its files names the missing file and the types present', () => {
    assert.throws(() => readClipModelDirectory(TINY_CLIP, 'fp16'), (err: unknown) => err instanceof EmbedkitError && err.code === 'missing_model_file' && /onnx\/text_model_fp16\.onnx \(weight types present: fp32, q8\)/.test(err.message));
  });

  test('openEncoder opens a CLIP directory as a ClipEncoder, named, and refuses a pooling', async () => {
    const enc = await openEncoder(TINY_CLIP, { name: 'shapes', clip: { batchSize: 2 } });
    try {
      assert.ok(enc instanceof ClipEncoder);
      assert.equal(enc.id, 'clip:shapes');
      const { vectors } = await enc.encode(ref.texts.texts);
      vectors.forEach((v, i) => assert.ok(maxDiff(v, ref.texts.vectors[i]) < TOLERANCE));
    } finally {
      await enc.dispose?.();
    }
    await assert.rejects(openEncoder(TINY_CLIP, { pooling: 'mean' }), /a CLIP model pools inside its towers/);
  });
});
