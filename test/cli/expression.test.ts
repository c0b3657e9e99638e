import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpression } from '../../src/vectors/expression.ts';
import { InvalidArgumentError } from '../../src/errors.ts';

test('parses king - man + woman', () => {
  assert.deepEqual(parseExpression('king - man + woman'), { positive: [['king', 1], ['woman', 1]], negative: [['man', -1]] });
});

test('parses without spaces, weights and a leading minus', () => {
  assert.deepEqual(parseExpression('-a+0.5*b-c'), { positive: [['b', 0.5]], negative: [['a', -1], ['c', -1]] });
});

test('keeps non-ASCII words whole', () => {
  assert.deepEqual(parseExpression('北京 - 中国 + 日本').positive.map(([w]) => w), ['北京', '日本']);
});

test('rejects malformed expressions', () => {
  assert.throws(() => parseExpression(''), InvalidArgumentError);
  assert.throws(() => parseExpression('king -'), /ends with an operator/);
  assert.throws(() => parseExpression('king queen'), /expected \+ or -/);
});
