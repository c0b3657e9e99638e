// End-to-end: `embedkit convert` through the real binary. A hand-written word2vec binary goes round every text and
// binary format and back; each output is loaded with the library and compared value for value with the fixture.
// A failed convert must leave nothing behind: no target, no temporary file, an existing target untouched.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEmbeddings } from '../../src/formats/index.ts';
import { describeRun, DIM, makeTempDir, parseJson, runCli, VECTORS, word2vecBinary, word2vecText, WORDS, writeFile } from './e2e-helpers.ts';

const tmp = makeTempDir();
after(() => tmp.remove());

async function assertHoldsFixture(path: string, rows = WORDS.length): Promise<void> {
  const emb = await loadEmbeddings(path);
  assert.equal(emb.dim, DIM, path);
  assert.deepEqual(emb.vocab.words, WORDS.slice(0, rows), path);
  for (let i = 0; i < rows; i++) assert.deepEqual([...emb.row(i)], VECTORS[i], `${path}: ${WORDS[i]}`);
}

describe('embedkit convert', { concurrency: 3 }, () => {
  it('round trip word2vec binary → text → GloVe → fastText .vec → binary keeps every vector', async () => {
    const dir = join(tmp.dir, 'round-trip');
    mkdirSync(dir);
    const start = writeFile(dir, 'start.bin', word2vecBinary().bytes);
    const steps: [string, string, string[]][] = [
      [start, 'a.txt', ['--to', 'word2vec-text', '--json']],
      ['a.txt', 'b.glove.txt', ['--to', 'glove-text']],
      ['b.glove.txt', 'c.vec', ['--to', 'fasttext-vec']],
      ['c.vec', 'd.bin', ['--to', 'word2vec-binary']],
    ];
    for (const [from, to, flags] of steps) {
      const r = await runCli(['convert', from, to, ...flags], dir);
      assert.equal(r.code, 0, describeRun(r));
      if (flags.includes('--json')) {
        assert.deepEqual(parseJson(r), { input: from, output: to, format: 'word2vec-text', words: WORDS.length, dim: DIM });
      } else {
        assert.match(r.stderr, new RegExp(`wrote ${WORDS.length} vectors of dimension ${DIM} to ${to.replace('.', '\\.')}`));
        assert.equal(r.stdout, '');
      }
    }
    assert.equal(readFileSync(join(dir, 'a.txt'), 'utf8').split('\n')[0].trim(), `${WORDS.length} ${DIM}`);
    // GloVe text has no header: the first line is the first word's row.
    assert.equal(readFileSync(join(dir, 'b.glove.txt'), 'utf8').split('\n')[0].split(' ')[0], WORDS[0]);
    await assertHoldsFixture(join(dir, 'a.txt'));
    await assertHoldsFixture(join(dir, 'b.glove.txt'));
    await assertHoldsFixture(join(dir, 'c.vec'));
    await assertHoldsFixture(join(dir, 'd.bin'));
    assert.deepEqual(readFileSync(join(dir, 'd.bin')), readFileSync(start), 'binary → … → binary is byte-identical');
    assert.deepEqual(readdirSync(dir).sort(), ['a.txt', 'b.glove.txt', 'c.vec', 'd.bin', 'start.bin'], 'no temporary files left');
  });

  it('GloVe --header and word2vec C style -limit: the first N rows, with a "rows dim" line', async () => {
    const dir = join(tmp.dir, 'limit');
    mkdirSync(dir);
    writeFile(dir, 'in.txt', word2vecText());
    const r = await runCli(['convert', 'in.txt', 'out.glove', '--to', 'glove-text', '--header', '-limit', '3', '--json'], dir);
    assert.equal(r.code, 0, describeRun(r));
    assert.equal(parseJson<{ words: number }>(r).words, 3);
    assert.equal(readFileSync(join(dir, 'out.glove'), 'utf8').split('\n')[0].trim(), `3 ${DIM}`);
    await assertHoldsFixture(join(dir, 'out.glove'), 3);
  });

  it('a corrupt input leaves no target and no temporary file', async () => {
    const dir = join(tmp.dir, 'corrupt');
    mkdirSync(dir);
    const { bytes } = word2vecBinary();
    const input = writeFile(dir, 'cut.bin', bytes.subarray(0, bytes.length - 7));
    const r = await runCli(['convert', input, join(dir, 'out.txt'), '--to', 'word2vec-text'], dir);
    assert.notEqual(r.code, 0, describeRun(r));
    assert.ok(r.stderr.includes(input), r.stderr);
    assert.match(r.stderr, /byte \d+/);
    assert.ok(!existsSync(join(dir, 'out.txt')));
    assert.deepEqual(readdirSync(dir), ['cut.bin']);
  });

  it('a corrupt input leaves an existing target as it was', async () => {
    const dir = join(tmp.dir, 'keep');
    mkdirSync(dir);
    const lines = word2vecText().split('\n');
    lines[5] = `${WORDS[4]} 1 2`; // ragged row 5
    writeFile(dir, 'bad.txt', lines.join('\n'));
    const before = word2vecText();
    writeFile(dir, 'out.txt', before);
    const r = await runCli(['convert', 'bad.txt', 'out.txt', '--to', 'word2vec-text', '--json'], dir);
    assert.notEqual(r.code, 0, describeRun(r));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /bad\.txt, line 6/);
    assert.equal(readFileSync(join(dir, 'out.txt'), 'utf8'), before);
    assert.deepEqual(readdirSync(dir).sort(), ['bad.txt', 'out.txt']);
  });
});
