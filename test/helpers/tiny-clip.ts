import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

/** The tiny CLIP written by scripts/make-tiny-clip.py, with torch's outputs (reference.json). */
export const TINY_CLIP = 'test/fixtures/tiny-clip';
/** Its 1,000 held-out pictures (one sprite, in caption order) and their captions. */
export const HELDOUT = 'test/fixtures/tiny-clip-heldout';

export const heldout = JSON.parse(readFileSync(join(HELDOUT, 'captions.json'), 'utf8')) as { tile: number; columns: number; captions: string[] };

/** Held-out picture `i` cut from the sprite, as PNG bytes (lossless: the pixels torch saw). */
export async function heldoutPng(i: number): Promise<Buffer> {
  const { tile, columns } = heldout;
  return sharp(join(HELDOUT, 'heldout.png'))
    .extract({ left: (i % columns) * tile, top: Math.floor(i / columns) * tile, width: tile, height: tile })
    .png()
    .toBuffer();
}
