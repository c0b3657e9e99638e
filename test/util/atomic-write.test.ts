import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { withAtomicWriteStream, writeFileAtomic } from '../../src/util/atomic-write.ts';

const dir = mkdtempSync(join(tmpdir(), 'embedkit-atomic-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a write into a missing folder names the target and its folder, not a temporary file', async () => {
  const target = join(dir, 'missing', 'x.bin');
  await assert.rejects(writeFileAtomic(target, 'data'), (err: Error) => err.message.includes(target) && err.message.includes('does not exist') && !err.message.includes('.tmp-'));
  await assert.rejects(
    withAtomicWriteStream(target, async (out) => void out.write('data')),
    (err: Error) => err.message.includes(target) && !err.message.includes('.tmp-'),
  );
});

test('a write under a path whose folder is a file says so', async () => {
  const file = join(dir, 'plain');
  writeFileSync(file, 'x');
  await assert.rejects(writeFileAtomic(join(file, 'y.txt'), 'data'), /is not a folder/);
});

test('a failed fill keeps the old target and leaves no temporary file', async () => {
  const target = join(dir, 'kept.txt');
  writeFileSync(target, 'old');
  await assert.rejects(
    withAtomicWriteStream(target, async (out) => {
      out.write('new, half');
      throw new Error('stop');
    }),
    /stop/,
  );
  assert.equal(readFileSync(target, 'utf8'), 'old');
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp-')), []);
});
