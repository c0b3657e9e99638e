import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clipPixelPlan, resizeTarget, type Resize } from '../../src/encoders/clip-pixels.ts';
import type { RgbImage } from '../../src/encoders/rgb-image.ts';
import { TINY_CLIP } from '../helpers/tiny-clip.ts';

// The reference is transformers.js's own CLIPImageProcessor on the same bytes: our preparation must give the very
// same float32 pixel_values, bit for bit, for every setting it claims to reproduce.
const t = await import('@huggingface/transformers');
const tiny = JSON.parse(readFileSync(join(TINY_CLIP, 'preprocessor_config.json'), 'utf8')) as Record<string, unknown>;

const resize: Resize = async (image, width, height, resample) => {
  const out = await new t.RawImage(image.data, image.width, image.height, 3).resize(width, height, { resample: resample as 0 });
  return { data: new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.length), width: out.width, height: out.height };
};

/** A picture of seeded noise with a smooth gradient, so resampling has both edges and slopes to work on. */
function picture(width: number, height: number, seed: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  let s = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const p = Math.floor(i / 3);
    const smooth = ((p % width) * 255) / width;
    data[i] = (s >>> 24) % 2 ? smooth : s >>> 24;
  }
  return { data, width, height };
}

async function reference(config: Record<string, unknown>, images: RgbImage[]): Promise<{ data: Float32Array; dims: number[] }> {
  const processor = new t.CLIPImageProcessor(config as never);
  const { pixel_values } = await processor(images.map((im) => new t.RawImage(im.data, im.width, im.height, 3)));
  return { data: pixel_values.data as Float32Array, dims: pixel_values.dims };
}

async function assertSame(config: Record<string, unknown>, images: RgbImage[]): Promise<void> {
  const plan = clipPixelPlan(config);
  assert.ok(plan, `the plan reproduces ${JSON.stringify(config)}`);
  const ours = await plan.pixelValues(images, resize);
  const theirs = await reference(config, images);
  assert.deepEqual(ours.dims, theirs.dims);
  assert.equal(ours.data.length, theirs.data.length);
  for (let i = 0; i < ours.data.length; i++) {
    if (!Object.is(ours.data[i], theirs.data[i])) assert.fail(`value ${i} of ${JSON.stringify(ours.dims)}: ${ours.data[i]} against ${theirs.data[i]} (config ${JSON.stringify(config)})`);
  }
}

const sizes: [number, number][] = [[64, 64], [80, 50], [50, 80], [200, 131], [30, 41], [63, 65], [65, 64]];
const images = sizes.map(([w, h], k) => picture(w, h, k + 1));

test('the tiny CLIP config: pixel_values equal transformers.js CLIPImageProcessor bit for bit (no resize, downscale, upscale, odd crops)', async () => {
  await assertSame(tiny, images);
});

test('other settings: bilinear and nearest resampling, a number size, width × height, no crop, crop larger than the picture, no rescale, no normalize, one mean for all channels', async () => {
  await assertSame({ ...tiny, resample: 2 }, images);
  await assertSame({ ...tiny, resample: 0 }, images);
  await assertSame({ ...tiny, size: 48, crop_size: 30 }, images);
  await assertSame({ ...tiny, size: { width: 48, height: 40 }, do_center_crop: false }, images);
  const small = images.filter((im) => im.width <= 70 && im.height <= 70);
  await assertSame({ ...tiny, do_resize: false, crop_size: 70 }, small);
  await assertSame({ ...tiny, do_rescale: false, do_normalize: false }, images.slice(0, 2));
  await assertSame({ ...tiny, do_normalize: false }, images.slice(0, 2));
  await assertSame({ ...tiny, image_mean: 0.5, image_std: 0.5 }, images.slice(0, 3));
});

test('settings the plan does not reproduce are left to transformers.js', () => {
  assert.ok(clipPixelPlan(tiny));
  for (const change of [{ do_pad: true }, { do_thumbnail: true }, { do_crop_margin: true }, { do_flip_channel_order: true }, { size_divisibility: 32 }, { size: 64, max_size: 80 }, { image_processor_type: 'SiglipImageProcessor' }, { image_mean: [0.5, 0.5] }, { do_center_crop: true, crop_size: 'x' }]) {
    assert.equal(clipPixelPlan({ ...tiny, ...change }), undefined, JSON.stringify(change));
  }
});

test('resizeTarget follows the shortest edge, keeps the aspect ratio and caps the longest edge', () => {
  assert.deepEqual(resizeTarget(200, 100, { shortest_edge: 64 }), [128, 64]);
  assert.deepEqual(resizeTarget(100, 300, { shortest_edge: 50, longest_edge: 120 }), [40, 120]);
  assert.deepEqual(resizeTarget(10, 20, { width: 7, height: 9 }), [7, 9]);
});

test('a crop wider but shorter than the picture pads black on one side and crops the other (transformers.js refuses this case)', async () => {
  const plan = clipPixelPlan({ ...tiny, do_resize: false, crop_size: { width: 70, height: 52 }, do_rescale: false, do_normalize: false });
  assert.ok(plan);
  const image = picture(63, 65, 9);
  const { data, dims } = await plan.pixelValues([image], resize);
  assert.deepEqual(dims, [1, 3, 52, 70]);
  // Brute force: the picture padded to 70 wide (3 black columns left, 4 right), then rows 6..57 of its 65.
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < 52; y++) {
      for (let x = 0; x < 70; x++) {
        const sx = x - 3;
        const sy = y + 6;
        const want = sx < 0 || sx >= 63 ? 0 : image.data[(sy * 63 + sx) * 3 + c];
        assert.equal(data[c * 52 * 70 + y * 70 + x], want, `channel ${c} at ${x},${y}`);
      }
    }
  }
});
