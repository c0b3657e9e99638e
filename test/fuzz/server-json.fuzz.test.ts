import { test } from 'node:test';
import { fuzzTarget } from './run-in-child.ts';

// Seeded mutants of valid request bodies (POST /v1/embeddings, /embeddings, /api/projection) and of the page's
// GET /api/* query strings, structural (wrong types, deep nesting, huge numbers, __proto__ keys) and byte by byte:
// each gets a success with a JSON body or a 4xx in OpenAI's error shape, never a 5xx.
test('fuzz: server JSON bodies', async () => {
  await fuzzTarget('server-json', 2000);
});
