import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FormatError } from '../../src/errors.ts';
import { loadEmbeddings } from '../../src/formats/index.ts';
import { withTempDir } from './vectors-helpers.ts';

/**
 * A word2vec binary cut inside a vector names that row's word whether or not a limit is given. With a limit the
 * file is read through a sliding window, and the word used to be decoded from where the window had moved on
 * ("\u0000\u0000" instead of "ef").
 */
function truncatedBinary(): Buffer {
  const parts = [Buffer.from('3 2\n')];
  for (const w of ['ab', 'cd', 'ef']) parts.push(Buffer.from(`${w} `), Buffer.from(new Float32Array([1, 2]).buffer), Buffer.from('\n'));
  const full = Buffer.concat(parts);
  return full.subarray(0, full.length - 6); // 3 of the last row's 8 vector bytes remain
}

test('a truncated binary names the right word and byte, with and without limit', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'truncated.bin');
    writeFileSync(path, truncatedBinary());
    for (const options of [{}, { limit: 3 }, { limit: 5 }]) {
      await assert.rejects(loadEmbeddings(path, { format: 'word2vec-binary', ...options }), (err: unknown) => {
        assert.ok(err instanceof FormatError, String(err));
        assert.match(err.message, /row 3 \("ef"\): expected 8 bytes of vector, found 3/, JSON.stringify(options));
        assert.equal(err.location.byte, 31);
        return true;
      });
    }
  });
});
