/** `embedkit train ...` on a small corpus: each phase's "done" line is printed once (the vocabulary's was twice). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const dir = mkdtempSync(join(tmpdir(), 'embedkit-progress-'));
after(() => rmSync(dir, { recursive: true, force: true }));

for (const trainer of ['word2vec', 'fasttext']) {
  test(`train ${trainer}: one "done" line per phase`, { timeout: 60_000 }, () => {
    const input = join(dir, 'corpus.txt');
    writeFileSync(input, Array.from({ length: 300 }, (_, i) => `the cat sat on the mat ${i % 7} and the dog ran ${i % 3}`).join('\n'));
    const r = spawnSync(process.execPath, ['bin/embedkit.js', 'train', trainer, '--input', input, '--output', join(dir, `${trainer}.vec`), '--epochs', '1', '--threads', '1', '--min-count', '1', '--dim', '8'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const done = r.stderr.split('\n').filter((l) => /\bdone$/.test(l));
    assert.deepEqual(done.map((l) => l.split(/\s+/)[0]), ['vocab', 'train'], r.stderr);
  });
}
