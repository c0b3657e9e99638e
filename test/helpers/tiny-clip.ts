import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

/** The tiny CLIP written by scripts/make-tiny-clip.py, with torch's outputs (reference.json). */
export const TINY_CLIP = 'test/fixtures/tiny-clip';
/** Its 1,000 held-out pictures (one sprite, in caption order) and their captions. */
export const HELDOUT = 'test/fixtures/tiny-clip-heldout';

export const heldout = JSON.parse(readFileSync(join(HELDOUT, 'captions.json'), 'utf8')) as { tile: number; columns: number; captions: string[] };

/**
 * The sprite's rows of pictures, each cut once per process as a PNG strip: cutting each picture from the file made
 * sharp decode the 2560×1600 sprite down to the picture's row again for every picture (1,000 of them in some tests,
 * 12 s of CPU). A picture cut from its strip is the same PNG, byte for byte, as one cut from the file (pixels and the
 * file's 72 dpi): all 1,000 were compared once, and test/helpers/tiny-clip.test.ts compares a few at every run.
 */
const strips = new Map<number, Promise<Buffer>>();

function strip(row: number): Promise<Buffer> {
  const { tile, columns } = heldout;
  let png = strips.get(row);
  if (!png) {
    png = sharp(join(HELDOUT, 'heldout.png')).extract({ left: 0, top: row * tile, width: columns * tile, height: tile }).png().toBuffer();
    strips.set(row, png);
  }
  return png;
}

/** Held-out picture `i` cut from the sprite, as PNG bytes (lossless: the pixels torch saw). */
export async function heldoutPng(i: number): Promise<Buffer> {
  const { tile, columns } = heldout;
  return sharp(await strip(Math.floor(i / columns)))
    .extract({ left: (i % columns) * tile, top: 0, width: tile, height: tile })
    .png()
    .toBuffer();
}
