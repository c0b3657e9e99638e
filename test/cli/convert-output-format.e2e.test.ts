// End-to-end: `embedkit convert` writes fastText .bin models the `fasttext` tool reads, and tells the output format
// from the output's extension when --to is not given (.bin stays a fastText model when the input is one).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectFormat, loadEmbeddings } from '../../src/formats/index.ts';
import { fixture, printWordVectors } from '../formats/fasttext-bin-helpers.ts';
import { needs } from '../helpers/oracles.ts';
import { describeRun, DIM, makeTempDir, parseJson, runCli, VECTORS, word2vecBinary, word2vecText, WORDS, writeFile } from './e2e-helpers.ts';

const tmp = makeTempDir();
after(() => tmp.remove());
const FORMAT_NAMES = ['word2vec-text', 'word2vec-binary', 'glove-text', 'fasttext-vec', 'fasttext-bin'];

function freshDir(name: string): string {
  const dir = join(tmp.dir, name);
  mkdirSync(dir);
  return dir;
}

describe('embedkit convert --to fasttext-bin', { concurrency: 2 }, () => {
  it('writes a fastText model without subwords that reads back as the input vectors', async () => {
    const dir = freshDir('to-fasttext-bin');
    writeFile(dir, 'in.txt', word2vecText());
    const r = await runCli(['convert', 'in.txt', 'out.bin', '--to', 'fasttext-bin', '--json'], dir);
    assert.equal(r.code, 0, describeRun(r));
    assert.deepEqual(parseJson(r), { input: 'in.txt', output: 'out.bin', format: 'fasttext-bin', words: WORDS.length, dim: DIM });
    assert.equal(await detectFormat(join(dir, 'out.bin')), 'fasttext-bin');
    const back = await loadEmbeddings(join(dir, 'out.bin'));
    assert.deepEqual(back.vocab.words, WORDS);
    WORDS.forEach((w, i) => assert.deepEqual([...back.row(i)], VECTORS[i], w));
  });

  it('`fasttext print-word-vectors` prints the input vectors', async (t) => {
    if (!needs(t, 'fasttext')) return;
    const dir = freshDir('fasttext-reads');
    writeFile(dir, 'in.bin', word2vecBinary().bytes);
    const r = await runCli(['convert', 'in.bin', 'model.bin', '--to', 'fasttext-bin'], dir);
    assert.equal(r.code, 0, describeRun(r));
    const printed = printWordVectors(join(dir, 'model.bin'), WORDS);
    // Every value is a multiple of 1/8: fastText prints it exactly.
    assert.deepEqual(printed, WORDS.map((w, i) => [w, VECTORS[i]]));
  });
});

describe('embedkit convert without --to: the format from the output extension', { concurrency: 3 }, () => {
  const cases: [string, string, string][] = [
    ['in.bin', 'out.vec', 'fasttext-vec'],
    ['in.bin', 'out.txt', 'word2vec-text'],
    ['in.txt', 'out.bin', 'word2vec-binary'],
    ['in.txt', 'OUT.TXT', 'word2vec-text'],
  ];
  for (const [input, output, format] of cases) {
    it(`${input} → ${output} is ${format}`, async () => {
      const dir = freshDir(`infer-${output}`);
      writeFile(dir, 'in.bin', word2vecBinary().bytes);
      writeFile(dir, 'in.txt', word2vecText());
      const r = await runCli(['convert', input, output, '--json'], dir);
      assert.equal(r.code, 0, describeRun(r));
      assert.equal(parseJson<{ format: string }>(r).format, format);
      assert.equal(await detectFormat(join(dir, output)), format);
      const back = await loadEmbeddings(join(dir, output));
      WORDS.forEach((w, i) => assert.deepEqual([...back.row(i)], VECTORS[i], w));
    });
  }

  it('a fastText model to .bin stays a fastText model (the same bytes: subwords and all)', async () => {
    const dir = freshDir('fasttext-to-bin');
    const r = await runCli(['convert', fixture('tiny-skipgram.bin'), 'copy.bin', '--json'], dir);
    assert.equal(r.code, 0, describeRun(r));
    assert.equal(parseJson<{ format: string }>(r).format, 'fasttext-bin');
    assert.deepEqual(readFileSync(join(dir, 'copy.bin')), readFileSync(fixture('tiny-skipgram.bin')));
  });

  it('--to wins over the extension', async () => {
    const dir = freshDir('explicit');
    writeFile(dir, 'in.txt', word2vecText());
    const r = await runCli(['convert', 'in.txt', 'out.bin', '--to', 'word2vec-text'], dir);
    assert.equal(r.code, 0, describeRun(r));
    assert.equal(await detectFormat(join(dir, 'out.bin')), 'word2vec-text');
  });

  it('an unknown extension stops with an error listing the formats, and writes nothing', async () => {
    const dir = freshDir('unknown');
    writeFile(dir, 'in.txt', word2vecText());
    for (const output of ['out.xyz', 'out']) {
      const r = await runCli(['convert', 'in.txt', output], dir);
      assert.equal(r.code, 1, describeRun(r));
      assert.ok(r.stderr.includes(output), r.stderr);
      assert.match(r.stderr, /--to/);
      for (const name of FORMAT_NAMES) assert.ok(r.stderr.includes(name), `${name} listed in: ${r.stderr}`);
      assert.ok(!existsSync(join(dir, output)));
    }
    assert.deepEqual(readdirSync(dir), ['in.txt']);
  });

  it('--help says how the extension picks the format', async () => {
    const r = await runCli(['convert', '--help']);
    assert.equal(r.code, 0, describeRun(r));
    for (const ext of ['.txt', '.vec', '.bin']) assert.ok(r.stdout.includes(ext), r.stdout);
    assert.match(r.stdout, /fasttext-bin/);
  });
});

describe('embedkit with a fastText .bin and --limit', { concurrency: 2 }, () => {
  it('info counts the first N words only', async () => {
    const r = await runCli(['info', fixture('tiny-skipgram.bin'), '--limit', '5', '--json']);
    assert.equal(r.code, 0, describeRun(r));
    assert.equal(parseJson<{ words: number }>(r).words, 5);
  });

  it('convert --limit writes a fastText model of N words that fastText reads', async (t) => {
    const dir = freshDir('limit-bin');
    const r = await runCli(['convert', fixture('tiny-skipgram.bin'), 'small.bin', '--limit', '5', '--json'], dir);
    assert.equal(r.code, 0, describeRun(r));
    assert.equal(parseJson<{ words: number }>(r).words, 5);
    const full = await loadEmbeddings(fixture('tiny-skipgram.bin'));
    const small = await loadEmbeddings(join(dir, 'small.bin'));
    assert.deepEqual(small.vocab.words, full.vocab.words.slice(0, 5));
    if (!needs(t, 'fasttext')) return;
    const words = [...full.vocab.words.slice(0, 5), 'zzqxunseen'];
    const printedFull = printWordVectors(fixture('tiny-skipgram.bin'), words);
    assert.deepEqual(printWordVectors(join(dir, 'small.bin'), words), printedFull);
  });
});
