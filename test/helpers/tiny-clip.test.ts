// heldoutPng cuts each picture from a cached strip of its row of the sprite (for speed): the PNG must be the one cut
// from the sprite file itself, byte for byte, so that every test sees the pictures it always saw.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { heldout, heldoutPng, HELDOUT } from './tiny-clip.ts';

test('a held-out picture cut from its row strip is the PNG cut from the sprite file', async () => {
  const { tile, columns, captions } = heldout;
  const n = captions.length;
  // First and last pictures, both ends of a row, a row boundary, and some in between.
  for (const i of [0, 1, columns - 1, columns, 2 * columns + 17, 507, n - columns, n - 1]) {
    const fromFile = await sharp(join(HELDOUT, 'heldout.png'))
      .extract({ left: (i % columns) * tile, top: Math.floor(i / columns) * tile, width: tile, height: tile })
      .png()
      .toBuffer();
    assert.ok((await heldoutPng(i)).equals(fromFile), `picture ${i}`);
  }
});
