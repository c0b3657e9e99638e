import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MissingDependencyError } from '../../src/errors.ts';
import { toApiError } from '../../src/serve/api-error.ts';

test('a missing optional package during a request is a 501 naming the package, in OpenAI\'s error shape', () => {
  const err = toApiError(new MissingDependencyError('sharp', 'the image decoder needs sharp, which is not installed: npm install sharp@0.35.5'));
  assert.equal(err.status, 501);
  assert.deepEqual(err.body(), {
    error: { message: 'the image decoder needs sharp, which is not installed: npm install sharp@0.35.5', type: 'server_error', param: null, code: 'missing_dependency' },
  });
});

test('any other unexpected failure stays a 500 that shows no internals', () => {
  const err = toApiError(new Error('ENOENT: /secret/path'));
  assert.equal(err.status, 500);
  assert.doesNotMatch(err.message, /secret/);
});
