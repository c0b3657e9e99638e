import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadEmbeddings } from '../../src/formats/index.ts';
import { BIN, embedkit, maxDiff } from '../helpers/encoder-tests.ts';

const TINY_BERT = 'test/fixtures/tiny-bert';
const ref = JSON.parse(readFileSync(join(TINY_BERT, 'reference.json'), 'utf8')) as {
  singles: { texts: string[]; ids: number[][]; vectors: { mean: number[][] } };
  token_states: { text: string; ids: number[]; tokens: string[]; last_hidden_state: number[][] };
};


describe('embedkit embed and tokens on the tiny BERT', () => {
  let dir: string;
  let input: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'embedkit-embed-'));
    input = join(dir, 'texts.txt');
    // A blank line in the middle is skipped.
    writeFileSync(input, `${ref.singles.texts[0]}\n\n${ref.singles.texts.slice(1).join('\n')}\n`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('JSON lines: text, token count and torch’s vector per line', async () => {
    const out = join(dir, 'out.jsonl');
    const { stderr } = await embedkit('embed', TINY_BERT, '--input', input, '--output', out);
    assert.match(stderr, /skipped 1 blank line/);
    assert.match(stderr, new RegExp(`embedded ${ref.singles.texts.length} texts`));
    const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(rows.length, ref.singles.texts.length);
    rows.forEach((r, i) => {
      assert.equal(r.index, i);
      assert.equal(r.text, ref.singles.texts[i]);
      assert.equal(r.tokens, ref.singles.ids[i].length);
      assert.ok(maxDiff(r.embedding, ref.singles.vectors.mean[i]) < 1e-5);
    });
  });

  test('.npy: a float32 matrix NumPy reads; word2vec text: loadable vectors keyed by text', async () => {
    const npy = join(dir, 'out.npy');
    const vec = join(dir, 'out.vec');
    await Promise.all([embedkit('embed', TINY_BERT, '--input', input, '--output', npy, '--quiet'), embedkit('embed', TINY_BERT, '--input', input, '--output', vec, '--quiet')]);
    const bytes = readFileSync(npy);
    assert.equal(bytes.subarray(0, 6).toString('latin1'), '\x93NUMPY');
    const headerLength = bytes.readUInt16LE(8);
    assert.equal((10 + headerLength) % 64, 0, 'data starts 64-byte aligned');
    assert.match(bytes.subarray(10, 10 + headerLength).toString('latin1'), new RegExp(`'descr': '<f4', 'fortran_order': False, 'shape': \\(${ref.singles.texts.length}, 32\\)`));
    const data = bytes.subarray(10 + headerLength);
    assert.equal(data.length, ref.singles.texts.length * 32 * 4);
    ref.singles.vectors.mean.forEach((v, i) => {
      const row = Array.from({ length: 32 }, (_, j) => data.readFloatLE(4 * (i * 32 + j)));
      assert.ok(maxDiff(row, v) < 1e-5, `row ${i}`);
    });
    const emb = await loadEmbeddings(vec);
    assert.equal(emb.size, ref.singles.texts.length);
    assert.equal(emb.vocab.word(1), ref.singles.texts[1].replace(/\s+/g, '_'));
    assert.ok(maxDiff(emb.get(emb.vocab.word(1)), ref.singles.vectors.mean[1]) < 1e-5);
  });

  test('tokens --word: the cosine between the occurrences of a word equals torch’s', async () => {
    const { stdout } = await embedkit('tokens', TINY_BERT, ref.token_states.text, 'the bank', '--word', 'bank', '--json');
    const result = JSON.parse(stdout);
    const bankAt = ref.token_states.tokens.flatMap((t, i) => (t === 'bank' ? [i] : []));
    assert.equal(bankAt.length, 2);
    assert.deepEqual(
      result.occurrences.map((o: { text: number; position: number }) => [o.text, o.position]),
      [[0, bankAt[0]], [0, bankAt[1]], [1, 2]],
    );
    const [a, b] = bankAt.map((i) => ref.token_states.last_hidden_state[i]);
    const dot = a.reduce((s, x, j) => s + x * b[j], 0);
    const expected = dot / Math.sqrt(a.reduce((s, x) => s + x * x, 0) * b.reduce((s, x) => s + x * x, 0));
    assert.ok(Math.abs(result.cosine[0][1] - expected) < 1e-5, `${result.cosine[0][1]} vs ${expected}`);
    assert.ok(Math.abs(result.cosine[0][0] - 1) < 1e-6);
    assert.match(result.occurrences[0].context, /\[bank\]/);
  });

  test('tokens prints every token with its vector; errors are one line', async () => {
    const failures = [embedkit('tokens', TINY_BERT, 'the river', '--word', 'bank'), embedkit('embed', join(dir, 'missing-model'), '--input', input, '--output', join(dir, 'x.jsonl'))];
    failures.forEach((p) => p.catch(() => {}));
    const { stdout } = await embedkit('tokens', TINY_BERT, 'the bank', '--digits', '3');
    const lines = stdout.trim().split('\n');
    assert.equal(lines[0], 'text 1: the bank');
    assert.deepEqual(lines.slice(1).map((l) => l.trim().split(/\s+/)[1]), ['[CLS]', 'the', 'bank', '[SEP]']);
    assert.equal(lines[1].trim().split(/\s+/).length, 2 + 32);
    await assert.rejects(failures[0], (err: { code: number; stderr: string }) => {
      assert.equal(err.code, 1);
      assert.match(err.stderr, /"bank" does not occur in the texts/);
      return true;
    });
    await assert.rejects(failures[1], /missing-model/);
  });
});

test('embedkit serve --model name=DIR answers /v1/embeddings with torch’s vectors', async () => {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [BIN, 'serve', '--model', `tiny=${TINY_BERT}`, '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    const url = await new Promise<string>((resolveUrl, reject) => {
      let err = '';
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /explorer:\s+(http:\/\/\S+?)\/\s/.exec(err);
        if (m) resolveUrl(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
    });
    const res = await fetch(`${url}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tiny', input: ref.singles.texts.slice(0, 2), encoding_format: 'float' }),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { data: { embedding: number[]; index: number }[]; model: string };
    assert.equal(body.model, 'tiny');
    body.data.forEach((d, i) => assert.ok(maxDiff(d.embedding, ref.singles.vectors.mean[i]) < 1e-5));
  } finally {
    child.kill();
  }
});

test('embedkit serve without a model is a clear error', async () => {
  await assert.rejects(embedkit('serve'), (e: { code: number; stderr: string }) => e.code === 1 && /serve needs at least one model/.test(e.stderr));
});
