import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { serverCli, stop } from './helpers/cli.ts';
import { openaiError, post } from './helpers/server.ts';

const vectors = resolve('test/fixtures/fasttext/tiny-skipgram.vec');

test('serve flags set the request limits (named after them: --max-input-chars, --request-timeout-ms, ...)', { timeout: 30_000 }, async () => {
  const run = serverCli(['serve', vectors, '--port', '0', '--max-input-chars', '20', '--max-request-chars', '30', '--request-timeout-ms', '4000', '--headers-timeout-ms', '2000']);
  try {
    const url = `${await run.url}/v1/embeddings`;
    const long = await post(url, { model: 'tiny-skipgram', input: 'the cat sat on the mat again' });
    assert.equal(long.status, 400);
    assert.equal(openaiError(long.body).code, 'input_too_long');
    assert.match(openaiError(long.body).message, /at most 20 characters per input/);
    const many = await post(url, { model: 'tiny-skipgram', input: ['the cat sat', 'the cat sat', 'the cat sat'] });
    assert.equal(openaiError(many.body).code, 'request_too_long');
    assert.equal((await post(url, { model: 'tiny-skipgram', input: 'the cat' })).status, 200);
  } finally {
    await stop(run.child);
  }
});

test('a limit flag must be a positive integer', { timeout: 30_000 }, async () => {
  const run = serverCli(['serve', vectors, '--port', '0', '--max-queued', '0']);
  await assert.rejects(run.url, /--max-queued/);
});
