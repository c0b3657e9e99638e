// End-to-end: `train word2vec --output vectors.bin` writes word2vec binary (the README tour's command), as convert
// reads the extension; --binary 0 still asks for text, and other extensions keep writing text.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { detectFormat, loadEmbeddings } from '../../src/formats/index.ts';
import { describeRun, makeTempDir, runCli, WORDS, writeFile } from './e2e-helpers.ts';

const tmp = makeTempDir();
after(() => tmp.remove());
let corpus = '';
before(() => {
  // 300 short sentences over the fixture words: enough for every word to pass --min-count 1.
  const lines = Array.from({ length: 300 }, (_, i) => Array.from({ length: 8 }, (_, j) => WORDS[(i * 7 + j * 3) % WORDS.length]).join(' '));
  corpus = writeFile(tmp.dir, 'corpus.txt', `${lines.join('\n')}\n`);
});

const train = (output: string, ...extra: string[]) =>
  runCli(['train', 'word2vec', '--input', corpus, '--output', join(tmp.dir, output), '--min-count', '1', '--dim', '8', '--epochs', '1', '--threads', '1', '--quiet', ...extra]);

describe('embedkit train word2vec: the output format follows the extension', { concurrency: 2 }, () => {
  const cases: [string, string[], string][] = [
    ['vectors.bin', [], 'word2vec-binary'],
    ['vectors.txt', [], 'word2vec-text'],
    ['plain.bin', ['--binary', '0'], 'word2vec-text'],
    ['forced.txt', ['--binary'], 'word2vec-binary'],
  ];
  for (const [output, extra, format] of cases) {
    it(`${[output, ...extra].join(' ')} → ${format}`, async () => {
      const r = await train(output, ...extra);
      assert.equal(r.code, 0, describeRun(r));
      assert.equal(await detectFormat(join(tmp.dir, output)), format);
      assert.equal((await loadEmbeddings(join(tmp.dir, output))).size, WORDS.length);
    });
  }
});
