import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EmbedkitError, InvalidArgumentError } from '../../src/errors.ts';
import { TransformerEncoder } from '../../src/encoders/transformer.ts';
import { isModelDirectory, readModelDirectory } from '../../src/encoders/transformer-model-dir.ts';
import { combineWindows, planBatches, windowSpans } from '../../src/encoders/transformer-windows.ts';

/** The tiny BERT written by scripts/make-tiny-bert.py, with torch's outputs (reference.json). */
export const TINY_BERT = 'test/fixtures/tiny-bert';

interface Case {
  texts: string[];
  ids: number[][];
  vectors: Record<'mean' | 'cls' | 'last-token', number[][]>;
}
interface Reference {
  max_length: number;
  singles: Case;
  batch: Case;
  cjk: Case;
  long: {
    text: string;
    ids: number[];
    overlap: number;
    windows: number[][];
    window_weights: number[];
    vector: number[];
    truncated: number[];
    token_state_sums: number[];
    token_state_norms: number[];
  };
  token_states: { text: string; ids: number[]; tokens: string[]; last_hidden_state: number[][] };
}
const ref = JSON.parse(readFileSync(join(TINY_BERT, 'reference.json'), 'utf8')) as Reference;

const TOLERANCE = 1e-5;
function assertClose(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  assert.ok(worst <= TOLERANCE, `${what}: differs from torch by ${worst}`);
}
const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));

describe('TransformerEncoder on the tiny BERT', () => {
  let enc: TransformerEncoder;
  before(async () => {
    enc = await TransformerEncoder.load(TINY_BERT, { threads: 1 });
  });
  after(() => enc.dispose());

  test('reads the model directory: dimension, window, pooling from 1_Pooling', () => {
    assert.equal(enc.dim, 32);
    assert.equal(enc.maxLength, ref.max_length);
    assert.equal(enc.pooling, 'mean');
    assert.equal(enc.id, 'transformer:tiny-bert');
    assert.ok(isModelDirectory(TINY_BERT));
    assert.ok(!isModelDirectory(join(TINY_BERT, 'config.json')));
  });

  test('loading never reaches for the network', async () => {
    const { env } = await import('@huggingface/transformers');
    const original = env.fetch;
    const asked: string[] = [];
    env.fetch = async (input: string | URL) => {
      asked.push(String(input));
      throw new Error('no network in tests');
    };
    try {
      const e = await TransformerEncoder.load(TINY_BERT, { threads: 1 });
      await e.dispose();
      assert.equal(env.allowRemoteModels, false);
      assert.deepEqual(asked, []);
    } finally {
      env.fetch = original;
    }
  });

  test('tokenizes as the reference WordPiece does (lowercase, accents stripped, CJK characters split)', () => {
    for (const c of [ref.singles, ref.batch, ref.cjk]) {
      c.texts.forEach((text, i) => assert.deepEqual(enc.tokenize(text).ids, c.ids[i].slice(1, -1), text));
    }
  });

  test('single texts match torch within 1e-5 and count tokens with [CLS]/[SEP]', async () => {
    for (const [i, text] of ref.singles.texts.entries()) {
      const { vectors, tokens } = await enc.encode([text]);
      assertClose(vectors[0], ref.singles.vectors.mean[i], text);
      assert.equal(tokens[0], ref.singles.ids[i].length);
    }
    // An empty text is [CLS] [SEP]: two tokens and a unit vector; no input, no vectors.
    const empty = await enc.encode(['']);
    assert.equal(empty.tokens[0], 2);
    assert.ok(Math.abs(norm(empty.vectors[0]) - 1) < 1e-6);
    assert.deepEqual(await enc.encode([]), { vectors: [], tokens: [] });
  });

  test('a padded batch matches torch, whatever the batch size', async () => {
    const { vectors, tokens } = await enc.encode(ref.batch.texts);
    vectors.forEach((v, i) => assertClose(v, ref.batch.vectors.mean[i], ref.batch.texts[i]));
    assert.deepEqual(tokens, ref.batch.ids.map((r) => r.length));
    // A budget of 20 padded tokens forces different groupings; the vectors must not change.
    const small = await TransformerEncoder.load(TINY_BERT, { threads: 1, tokenBudget: 20 });
    try {
      const again = await small.encode(ref.batch.texts);
      again.vectors.forEach((v, i) => assertClose(v, ref.batch.vectors.mean[i], `budget 20: ${ref.batch.texts[i]}`));
    } finally {
      await small.dispose();
    }
  });

  test('cls and last-token pooling match torch', async () => {
    for (const pooling of ['cls', 'last-token'] as const) {
      const e = await TransformerEncoder.load(TINY_BERT, { threads: 1, pooling });
      try {
        const { vectors } = await e.encode(ref.batch.texts);
        vectors.forEach((v, i) => assertClose(v, ref.batch.vectors[pooling][i], `${pooling}: ${ref.batch.texts[i]}`));
      } finally {
        await e.dispose();
      }
    }
  });

  test('CJK text matches torch', async () => {
    const { vectors } = await enc.encode(ref.cjk.texts);
    vectors.forEach((v, i) => assertClose(v, ref.cjk.vectors.mean[i], ref.cjk.texts[i]));
  });

  test('a long input is cut into overlapping windows, combined by token counts, as torch computed it', async () => {
    assert.ok(ref.long.ids.length > ref.max_length, 'the reference text is longer than the window');
    const e = await TransformerEncoder.load(TINY_BERT, { threads: 1, overlap: ref.long.overlap });
    try {
      assert.deepEqual(windowSpans(ref.long.ids.length - 2, e.windowSize, e.overlap).map((s) => s.length), ref.long.window_weights);
      const { vectors, tokens } = await e.encode([ref.long.text, ref.singles.texts[0]]);
      assertClose(vectors[0], ref.long.vector, 'long text');
      assertClose(vectors[1], ref.singles.vectors.mean[0], 'short text next to it');
      assert.equal(tokens[0], ref.long.ids.length, 'usage counts the real tokens once');
      assert.ok(Math.abs(norm(vectors[0]) - 1) < 1e-6);
    } finally {
      await e.dispose();
    }
  });

  test('truncate keeps the first window only, and still counts every token', async () => {
    const e = await TransformerEncoder.load(TINY_BERT, { threads: 1, truncate: true });
    try {
      const { vectors, tokens } = await e.encode([ref.long.text]);
      assertClose(vectors[0], ref.long.truncated, 'truncated');
      assert.equal(tokens[0], ref.long.ids.length);
    } finally {
      await e.dispose();
    }
  });

  test('token vectors match torch last_hidden_state', async () => {
    const [tv] = await enc.tokenVectors([ref.token_states.text]);
    assert.deepEqual(tv.ids, ref.token_states.ids);
    assert.deepEqual(tv.tokens, ref.token_states.tokens);
    tv.vectors.forEach((v, i) => assertClose(v, ref.token_states.last_hidden_state[i], `token ${i} (${tv.tokens[i]})`));
  });

  test('token vectors of a long text take each token from a window where it has context', async () => {
    // truncate applies to pooled vectors only: every token still gets its vector.
    const e = await TransformerEncoder.load(TINY_BERT, { threads: 1, overlap: ref.long.overlap, truncate: true });
    const [tv] = await e.tokenVectors([ref.long.text]).finally(() => e.dispose());
    assert.deepEqual(tv.ids, ref.long.ids);
    assert.equal(tv.vectors.length, ref.long.ids.length);
    // torch's vectors, taken from the window where each token is farthest from an edge, kept as sums and norms.
    const sum = (v: Float32Array) => v.reduce((s, x) => s + x, 0);
    assertClose(tv.vectors.map(sum), ref.long.token_state_sums, 'sums of token vectors');
    assertClose(tv.vectors.map(norm), ref.long.token_state_norms, 'norms of token vectors');
  });

  test('query and passage prefixes are put before the text', async () => {
    const e = await TransformerEncoder.load(TINY_BERT, { threads: 1, queryPrefix: 'query: ', passagePrefix: 'passage: ' });
    try {
      const text = ref.singles.texts[0];
      const [q, p, plainQ, plainP] = [
        (await e.encodeQueries([text])).vectors[0],
        (await e.encode([text])).vectors[0],
        (await enc.encode([`query: ${text}`])).vectors[0],
        (await enc.encode([`passage: ${text}`])).vectors[0],
      ];
      assertClose(q, Array.from(plainQ), 'query prefix');
      assertClose(p, Array.from(plainP), 'passage prefix');
      assert.notDeepEqual(Array.from(q), Array.from(p));
    } finally {
      await e.dispose();
    }
  });

  test('token ids encode like the text they come from; ids outside the vocabulary are refused', async () => {
    const { vectors, tokens } = await enc.encodeTokenIds([ref.singles.ids[1].slice(1, -1)]);
    assertClose(vectors[0], ref.singles.vectors.mean[1], 'token ids');
    assert.equal(tokens[0], ref.singles.ids[1].length);
    await assert.rejects(enc.encodeTokenIds([[5, enc.vocabSize]]), InvalidArgumentError);
  });
});

describe('model directory errors', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'embedkit-tiny-bert-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const missing of ['config.json', 'tokenizer.json', 'onnx/model.onnx']) {
    test(`a missing ${missing} is named`, async () => {
      const copy = join(dir, missing.replace('/', '-'));
      cpSync(TINY_BERT, copy, { recursive: true });
      rmSync(join(copy, missing));
      await assert.rejects(TransformerEncoder.load(copy), (err: unknown) => {
        assert.ok(err instanceof EmbedkitError);
        assert.match(err.message, new RegExp(`no ${missing.replace('.', '\\.')}`));
        assert.equal(err.location.file, join(copy, missing));
        return true;
      });
    });
  }

  test('a directory that does not exist, and unsupported pooling', async () => {
    await assert.rejects(TransformerEncoder.load(join(dir, 'nope')), /does not exist/);
    const copy = join(dir, 'max-pooling');
    cpSync(TINY_BERT, copy, { recursive: true });
    const pooling = join(copy, '1_Pooling', 'config.json');
    writeFileSync(pooling, JSON.stringify({ pooling_mode_max_tokens: true }));
    await assert.rejects(TransformerEncoder.load(copy), /pooling pooling_mode_max_tokens is not supported/);
    assert.equal(readModelDirectory(copy).pooling, undefined);
    const e = await TransformerEncoder.load(copy, { pooling: 'cls', threads: 1 });
    assert.equal(e.pooling, 'cls');
    await e.dispose();
    await assert.rejects(TransformerEncoder.load(TINY_BERT, { maxLength: 65 }), /maxLength must be an integer in 3\.\.64/);
    await assert.rejects(TransformerEncoder.load(TINY_BERT, { overlap: 62 }), /overlap must be an integer in 0\.\.61/);
  });
});

describe('windows and batches', () => {
  test('windowSpans: one window when it fits, overlapping windows ending at the input end otherwise', () => {
    assert.deepEqual(windowSpans(5, 10, 2), [{ start: 0, length: 5 }]);
    assert.deepEqual(windowSpans(10, 10, 2), [{ start: 0, length: 10 }]);
    assert.deepEqual(windowSpans(11, 10, 2), [
      { start: 0, length: 10 },
      { start: 8, length: 3 },
    ]);
    assert.deepEqual(windowSpans(0, 10, 0), [{ start: 0, length: 0 }]);
    const spans = windowSpans(1000, 62, 16);
    for (let k = 1; k < spans.length; k++) assert.equal(spans[k].start, spans[k - 1].start + 46);
    assert.equal(spans.at(-1)!.start + spans.at(-1)!.length, 1000);
  });

  test('planBatches keeps rows × longest row within the budget and covers every row once', () => {
    const lengths = [5, 64, 12, 64, 30, 7, 7, 100];
    const batches = planBatches(lengths, 128, 3);
    assert.deepEqual(batches.flat().sort((a, b) => a - b), lengths.map((_, i) => i));
    for (const b of batches) {
      assert.ok(b.length <= 3);
      const longest = Math.max(...b.map((i) => lengths[i]));
      assert.ok(b.length === 1 || b.length * longest <= 128, `batch ${b} over budget`);
    }
    // Rows of very different lengths are not padded into one batch (at most 20% padding by default).
    for (const b of planBatches([100, 90, 85, 20, 18, 10], 10_000)) {
      const longest = Math.max(...b.map((i) => [100, 90, 85, 20, 18, 10][i]));
      const real = b.reduce((s, i) => s + [100, 90, 85, 20, 18, 10][i], 0);
      assert.ok(b.length * longest - real <= 0.2 * b.length * longest, `batch ${b} is mostly padding`);
    }
    assert.deepEqual(planBatches([100, 90, 85, 20, 18, 10], 10_000), [[0, 1, 2], [3, 4, 5]]);
  });

  test('combineWindows weights by token count and renormalizes', () => {
    const v = combineWindows([Float32Array.of(1, 0), Float32Array.of(0, 1)], [3, 1]);
    assertClose(v, [3 / Math.sqrt(10), 1 / Math.sqrt(10)], 'combined');
  });
});
