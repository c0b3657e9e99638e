import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EmbedkitError } from '../../src/errors.ts';
import type { Corpus } from '../../src/text/corpus.ts';
import type { ProgressEvent } from '../../src/train/progress.ts';
import { trainFastText } from '../../src/train/fasttext.ts';
import { trainGloveDetailed } from '../../src/train/glove.ts';
import { trainWord2Vec } from '../../src/train/word2vec.ts';

/**
 * Ctrl-C while the vocabulary is being counted: every trainer stops within a read batch (4096 lines) of the
 * abort, without reading the rest of the corpus or starting its next pass.
 */
const LINES = 20 * 4096;
const ABORT_AT = 4096 + 100;

function countingCorpus(controller: AbortController): Corpus & { linesRead: number; passes: number } {
  const corpus = {
    path: '<aborting>',
    linesRead: 0,
    passes: 0,
    async *lines() {
      corpus.passes++;
      for (let i = 0; i < LINES; i++) {
        corpus.linesRead++;
        if (corpus.linesRead === ABORT_AT) controller.abort();
        yield `alpha beta gamma delta w${i % 50}`;
      }
    },
  };
  return corpus;
}

const trainers: [string, (input: Corpus, signal: AbortSignal, onProgress: (e: ProgressEvent) => void) => Promise<unknown>][] = [
  ['word2vec', (input, signal, onProgress) => trainWord2Vec({ input, signal, onProgress, dim: 8, minCount: 1 })],
  ['fastText', (input, signal, onProgress) => trainFastText({ input, signal, onProgress, dim: 8, minCount: 1 })],
  ['GloVe', (input, signal, onProgress) => trainGloveDetailed({ input, signal, onProgress, dim: 8, minCount: 1 })],
];

for (const [name, train] of trainers) {
  test(`${name}: an abort during the vocabulary pass stops it within a batch, after showing its progress`, async () => {
    const controller = new AbortController();
    const corpus = countingCorpus(controller);
    const phases = new Set<string>();
    await assert.rejects(
      train(corpus, controller.signal, (e) => phases.add(e.phase)),
      (e: unknown) => e instanceof EmbedkitError && e.code === 'aborted',
    );
    assert.equal(corpus.passes, 1, 'no second pass over the corpus');
    assert.ok(corpus.linesRead <= ABORT_AT + 4096, `stopped within a batch of the abort (read ${corpus.linesRead} of ${LINES} lines)`);
    assert.ok(phases.has('vocab'), `the vocabulary pass reported progress (phases seen: ${[...phases].join(', ')})`);
  });
}
