// The supervised dictionary pass reads a file's bytes (src/vocab/byte-tokens.ts) where it can: what it finds must be
// what reading the decoded lines finds, token for token, on every kind of line ending, separator and character.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { openCorpus, type Corpus } from '../../src/text/corpus.ts';
import { countSupervisedDictionary, type SupervisedDictionary } from '../../src/train/supervised-dictionary.ts';

/** The same corpus read only as decoded lines (the byte reader hidden). */
function linesOnly(c: Corpus): Corpus {
  return { path: c.path, lines: () => c.lines(), lineBatches: () => c.lineBatches!(), byteLength: c.byteLength };
}

const OPTIONS = { minCount: 1, minCountLabel: 1, labelPrefix: '__label__', wordNgrams: 2, minn: 2, maxn: 4, recordTokens: 1 << 22 };

function summary(d: SupervisedDictionary) {
  return {
    words: d.vocab.words,
    counts: Array.from(d.vocab.words, (_, i) => d.vocab.count(i)),
    labels: d.labels.words,
    labelCounts: Array.from(d.labels.words, (_, i) => d.labels.count(i)),
    ntokens: d.ntokens,
    lines: d.lines,
    unlabelled: d.unlabelled,
    longestExample: d.longestExample,
    recorded: d.recorded && { tokens: d.recorded.tokens, ids: Array.from(d.recorded.ids), lineEnds: Array.from(d.recorded.lineEnds) },
  };
}

test('the dictionary from a file\'s bytes equals the one from its decoded lines', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'embedkit-dict-bytes-'));
  try {
    // A three-byte character across the 64 KiB read boundary, a token across two of them; lines of every shape.
    const filler = `__label__a ${'x'.repeat(65536 - 11 - 5)}日本 tail\n`;
    const bodies: Record<string, Buffer | string> = {
      separators: '__label__a the  cat\tsat\r\n__label__b dog\vran\ffast\0here\n\n   \n__label__a </s> cat\n',
      noFinalNewline: '__label__a one two\n__label__b three',
      finalSpaces: '__label__a one two\n  \t',
      finalCr: '__label__a one\n\r',
      unicode: '\ufeff__label__é café naïve 日本語 😀 émoji\n__label__é café\ufeffinside\nunlabelled line here\n',
      boundaryCharacter: filler,
      boundaryToken: `__label__b x y\n__label__c ${'y'.repeat(140000)} z\n`,
      invalidUtf8: Buffer.concat([Buffer.from('__label__a good \xff bad\n__label__b ', 'latin1'), Buffer.from([0xc3, 0x28, 0x0a]), Buffer.from('__label__a ok\n')]),
      labelsOnly: '__label__a\n__label__b __label__a\n',
    };
    for (const [name, body] of Object.entries(bodies)) {
      for (const gz of [false, true]) {
        const file = join(dir, `${name}.txt${gz ? '.gz' : ''}`);
        const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
        writeFileSync(file, gz ? gzipSync(bytes) : bytes);
        const corpus = await openCorpus(file);
        assert.ok(corpus.byteChunks, 'a file offers its bytes');
        const fromBytes = summary(await countSupervisedDictionary(corpus, OPTIONS));
        const fromLines = summary(await countSupervisedDictionary(linesOnly(await openCorpus(file)), OPTIONS));
        assert.deepEqual(fromBytes, fromLines, `${name}${gz ? ' (gzip)' : ''}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
