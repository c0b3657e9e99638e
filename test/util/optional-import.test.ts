import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { MissingDependencyError } from '../../src/errors.ts';
import { importOptional, OPTIONAL_PACKAGES, requireOptional } from '../../src/util/optional-import.ts';

/** What Node's loaders really throw for a package that is not installed (so the simulation cannot drift). */
async function realEsmMissing(): Promise<unknown> {
  return import('@huggingface/transformers-not-installed' as string).catch((e: unknown) => e);
}
function realCjsMissing(): unknown {
  try {
    createRequire(import.meta.url)('@node-rs/jieba-not-installed');
  } catch (e) {
    return e;
  }
  throw new Error('the impossible package resolved');
}

test('a missing optional package (ESM import) fails with a message naming it and its install command', async () => {
  const real = (await realEsmMissing()) as Error & { code: string };
  // The loader's message for the real package name, as it would read if @huggingface/transformers were absent.
  const simulated = Object.assign(new Error(real.message.replace('transformers-not-installed', 'transformers')), { code: real.code });
  await assert.rejects(
    importOptional('@huggingface/transformers', 'the transformer encoder', () => Promise.reject(simulated)),
    (e: unknown) =>
      e instanceof MissingDependencyError &&
      e.code === 'missing_dependency' &&
      e.packageName === '@huggingface/transformers' &&
      e.message === 'the transformer encoder needs @huggingface/transformers, which is not installed: npm install @huggingface/transformers@4.3.2' &&
      e.cause === simulated,
  );
});

test('a missing optional package (CommonJS require) fails the same way, synchronously', () => {
  const real = realCjsMissing() as Error & { code: string };
  const simulated = Object.assign(new Error(real.message.replace('jieba-not-installed', 'jieba')), { code: real.code });
  assert.throws(
    () => requireOptional('@node-rs/jieba', 'the jieba tokenizer', () => { throw simulated; }),
    (e: unknown) => e instanceof MissingDependencyError && /needs @node-rs\/jieba, which is not installed: npm install @node-rs\/jieba@2\.0\.3$/.test(e.message),
  );
});

test('other failures, and a missing module that is not the package, pass through unchanged', async () => {
  const broken = new Error('native binding failed');
  await assert.rejects(importOptional('@napi-rs/canvas', 'PNG plots', () => Promise.reject(broken)), (e) => e === broken);
  const other = Object.assign(new Error("Cannot find package 'left-pad' imported from x.js"), { code: 'ERR_MODULE_NOT_FOUND' });
  assert.throws(() => requireOptional('@napi-rs/canvas', 'PNG plots', () => { throw other; }), (e) => e === other);
});

test('a present package loads as usual', async () => {
  const jieba = requireOptional('@node-rs/jieba', 'the jieba tokenizer', () => createRequire(import.meta.url)('@node-rs/jieba') as { Jieba: unknown });
  assert.equal(typeof jieba.Jieba, 'function');
  assert.equal(await importOptional('wabt', 'x', async () => 42), 42);
});

test('the install versions named in messages are the versions package.json pins', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  for (const [name, version] of Object.entries(OPTIONAL_PACKAGES)) {
    // Optional peers are also dev dependencies, so the tests run with them; wabt is a dev dependency only.
    assert.equal(pkg.devDependencies[name], version, name);
    if (name !== 'wabt') {
      assert.equal(pkg.peerDependencies[name], version, name);
      assert.equal(pkg.peerDependenciesMeta[name]?.optional, true, name);
    }
    assert.equal(pkg.dependencies[name], undefined, `${name} must not be a hard dependency`);
  }
});
