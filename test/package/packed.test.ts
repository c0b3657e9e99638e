import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import ts from 'typescript';
import { needs } from '../helpers/oracles.ts';

// The package as it is published: `npm pack` of the built dist/, unpacked into a project whose node_modules holds
// only the packed package.json's `dependencies` (linked from this checkout, so nothing is downloaded). The optional
// peers (transformers.js, jieba, canvas) and the dev tools (wabt, tsx) are absent there, as after `npm install embedkit`.
// A file dropped from `files`, a subpath dropped from `exports`, or a runtime import missing from `dependencies`
// fails here.

const root = resolve(import.meta.dirname, '../..');
const distEntry = join(root, 'dist/src/index.js');

/** Why the built package cannot be tested, or undefined when dist/ is there and newer than src/. */
function missingBuild(): string | undefined {
  if (!existsSync(distEntry)) return 'dist/ is missing: run `npm run build` first (.ci/run builds before it tests)';
  const newest = (dir: string): number =>
    Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));
  if (newest(join(root, 'src')) > statSync(distEntry).mtimeMs + 1000 && newest(join(root, 'src')) > newest(join(root, 'dist/src'))) {
    return 'dist/ is older than src/: run `npm run build` first';
  }
  return undefined;
}

const reason = missingBuild();
if (reason) {
  process.stdout.write(`packed-package tests not run: ${reason}\n`);
  if (process.env.EMBEDKIT_REQUIRE_ORACLES === '1' || process.env.CI) throw new Error(reason);
}

let dir = '';
let project = '';
let pkgDir = '';
let files: string[] = [];

before(() => {
  if (reason) return;
  dir = mkdtempSync(join(tmpdir(), 'embedkit-packed-'));
  // --ignore-scripts: pack the dist/ that exists (prepack would rebuild it, which the build step already did).
  const packed = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  files = packed[0].files.map((f: { path: string }) => f.path);
  project = join(dir, 'project');
  const modules = join(project, 'node_modules');
  mkdirSync(modules, { recursive: true });
  execFileSync('tar', ['-xzf', join(dir, packed[0].filename), '-C', modules]);
  pkgDir = join(modules, 'embedkit');
  renameSync(join(modules, 'package'), pkgDir);
  const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  for (const name of Object.keys(manifest.dependencies ?? {})) {
    mkdirSync(dirname(join(modules, name)), { recursive: true });
    symlinkSync(join(root, 'node_modules', name), join(modules, name), 'dir');
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user', type: 'module', private: true }));
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function node(args: string[], input?: string) {
  const env = { ...process.env, TINY_BERT: join(root, 'test/fixtures/tiny-bert') };
  return spawnSync(process.execPath, args, { cwd: project, encoding: 'utf8', input, env, timeout: 60_000 });
}

test('the tarball holds the built code, the prebuilt kernels, the data, the bin and the licence, and no sources', { skip: reason }, () => {
  for (const f of ['LICENSE', 'bin/embedkit.js', 'data/sample-pd.txt.gz', 'data/eval/questions-words.txt', 'dist/src/index.js', 'dist/src/index.d.ts']) assert.ok(files.includes(f), f);
  for (const k of ['similarity', 'word2vec', 'fasttext', 'glove']) assert.ok(files.includes(`dist/src/kernels/wasm/${k}.wasm`), `${k}.wasm`);
  assert.deepEqual(files.filter((f) => f.startsWith('src/') || f.startsWith('test/')), []);
  // The native kernels' sources and their build script, which the package's install script runs.
  for (const f of ['native/word2vec.c', 'native/fasttext.c', 'native/rows.h', 'native/kernels.h', 'native/addon.c', 'scripts/build-native.mjs']) assert.ok(files.includes(f), f);
  assert.equal(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.install, 'node scripts/build-native.mjs');
});

test("the package's install step builds the native kernels in the installed package, and its trainer runs them", { skip: reason }, (t) => {
  if (!needs(t, 'native')) return;
  // What `npm install embedkit` runs in the installed package (the unpacked tarball has no build/ of its own).
  const build = spawnSync(process.execPath, ['scripts/build-native.mjs', '--require'], { cwd: pkgDir, encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  assert.ok(existsSync(join(pkgDir, 'build/native/embedkit-kernels.node')));
  const script = `
    const train = await import('embedkit/train');
    const lines = Array.from({ length: 100 }, (_, i) => i % 2 ? 'the king rules the land' : 'a cat and a dog play');
    const r = await train.trainWord2Vec({ input: train.corpusFromLines(lines), dim: 8, minCount: 1, epochs: 1, threads: 1, kernel: 'native' });
    console.log(JSON.stringify({ words: r.embeddings.size, finite: r.embeddings.vectors.every(Number.isFinite) }));
  `;
  writeFileSync(join(project, 'native-user.mjs'), script);
  const r = spawnSync(process.execPath, ['native-user.mjs'], { cwd: project, encoding: 'utf8', env: { ...process.env, EMBEDKIT_NATIVE: '' } });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim()), { words: 9, finite: true }); // the two sentences' distinct words
});

// Runs inside the unpacked project, importing the package by its name as a user does.
const SCENARIO = `
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const core = await import('embedkit');
const train = await import('embedkit/train');
const encoders = await import('embedkit/encoders');
const serve = await import('embedkit/serve');
const viz = await import('embedkit/viz');
const search = await import('embedkit/search');
const apps = await import('embedkit/apps');
const out = { names: {}, internals: null };
for (const [name, m] of Object.entries({ core, train, encoders, serve, viz, search, apps })) out.names[name] = Object.keys(m).sort();
try { await import('embedkit/dist/src/kernels/wasm.js'); out.internals = 'reachable'; } catch (e) { out.internals = e.code; }

// The prebuilt word2vec.wasm (wabt is not installed here, so a missing .wasm could not be assembled instead).
const lines = [];
for (let i = 0; i < 200; i++) lines.push(i % 2 ? 'the king rules the land and the queen rules the land' : 'a cat and a dog play in the house');
const result = await train.trainWord2Vec({ input: train.corpusFromLines(lines), dim: 8, minCount: 1, epochs: 1, threads: 1, seed: 1 });
const vectors = result.embeddings ?? result;
out.trained = { words: vectors.size, dim: vectors.dim, finite: vectors.vectors.every(Number.isFinite) };
const file = join(mkdtempSync(join(tmpdir(), 'embedkit-user-')), 'vectors.txt');
await core.saveEmbeddings(vectors, file, { format: 'word2vec-text' });
const loaded = await core.loadEmbeddings(file);
out.similar = loaded.mostSimilar({ positive: ['king'], topn: 3 }).map((n) => n.word);
out.file = file;

// Features whose optional package is absent say which package to install.
const missing = async (f) => { try { await f(); return 'no error'; } catch (e) { return e.name + ': ' + e.message; } };
out.jieba = await missing(() => core.getTokenizer('jieba')('中文分词'));
out.png = await missing(() => viz.renderWordMapPng(viz.wordMap(loaded, ['king'], { neighbours: 2 })));
out.transformer = await missing(() => encoders.TransformerEncoder.load(process.env.TINY_BERT));
out.collections = await missing(() => search.openCollection(join(mkdtempSync(join(tmpdir(), 'embedkit-user-')), 'c'), { model: file }));

// The server runs without any of them.
const server = await serve.startServer({ models: [serve.staticModel('tiny', loaded)], port: 0 });
const res = await fetch(server.url + '/v1/embeddings', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'tiny', input: ['king and queen'] }) });
out.served = { status: res.status, dim: (await res.json()).data[0].embedding.length };
await server.close();
console.log(JSON.stringify(out));
`;

test('a user imports every subpath, trains on the prebuilt kernel, queries, serves; missing optional packages are named', { skip: reason }, () => {
  writeFileSync(join(project, 'scenario.mjs'), SCENARIO);
  const r = node(['scenario.mjs']);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
  const entries = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).exports;
  assert.deepEqual(Object.keys(entries).sort(), ['.', './apps', './encoders', './package.json', './search', './serve', './train', './viz']);
  for (const name of ['Embeddings', 'loadEmbeddings', 'saveEmbeddings', 'evaluateAnalogies', 'Vocabulary', 'MissingDependencyError']) assert.ok(out.names.core.includes(name), name);
  for (const name of ['trainWord2Vec', 'trainFastText', 'trainGlove']) assert.ok(out.names.train.includes(name), name);
  for (const name of ['StaticEncoder', 'TransformerEncoder', 'RemoteEncoder']) assert.ok(out.names.encoders.includes(name), name);
  for (const name of ['startServer', 'createApp']) assert.ok(out.names.serve.includes(name), name);
  for (const name of ['wordMap', 'project', 'renderWordMapPng']) assert.ok(out.names.viz.includes(name), name);
  for (const name of ['openCollection', 'ingestFiles', 'chunkText']) assert.ok(out.names.search.includes(name), name);
  assert.equal(out.internals, 'ERR_PACKAGE_PATH_NOT_EXPORTED');
  assert.deepEqual(out.trained, { words: 12, dim: 8, finite: true }); // the two sentences' distinct words
  assert.equal(out.similar.length, 3);
  assert.match(out.jieba, /^MissingDependencyError: .*needs @node-rs\/jieba.*npm install @node-rs\/jieba@2\.0\.3$/);
  assert.match(out.png, /^MissingDependencyError: .*needs @napi-rs\/canvas.*npm install @napi-rs\/canvas@1\.1\.1$/);
  assert.match(out.transformer, /^MissingDependencyError: .*needs @huggingface\/transformers.*npm install @huggingface\/transformers@4\.3\.2$/);
  assert.match(out.collections, /^MissingDependencyError: .*needs @lancedb\/lancedb.*npm install @lancedb\/lancedb@0\.31\.0$/);
  assert.deepEqual(out.served, { status: 200, dim: 8 });

  // The bin runs the built CLI (the package has no src/ for it to prefer).
  const help = node([join(pkgDir, 'bin/embedkit.js'), '--help']);
  assert.equal(help.status, 0, help.stderr);
  for (const command of ['similar', 'convert', 'train', 'serve']) assert.match(help.stdout, new RegExp(`\\b${command}\\b`));
  const similar = node([join(pkgDir, 'bin/embedkit.js'), 'similar', out.file, 'queen', '--json']);
  assert.equal(similar.status, 0, similar.stderr);
  assert.ok(JSON.stringify(JSON.parse(similar.stdout)).includes('"word"'), similar.stdout);
  // A command whose optional package is absent stops with the install command, not a stack.
  const plot = node([join(pkgDir, 'bin/embedkit.js'), 'plot', out.file, 'king', '-o', join(dir, 'map.png')]);
  assert.equal(plot.status, 1, plot.stderr);
  assert.match(plot.stderr, /needs @napi-rs\/canvas, which is not installed: npm install @napi-rs\/canvas@1\.1\.1/);
  assert.doesNotMatch(plot.stderr, /\n\s+at /);
});

test('a TypeScript user gets the types of every subpath from the packed declarations', { skip: reason }, () => {
  const file = join(project, 'user.mts');
  writeFileSync(
    file,
    `import { loadEmbeddings, type Embeddings, type Neighbour } from 'embedkit';
import { trainWord2Vec, type Word2VecOptions } from 'embedkit/train';
import { StaticEncoder, type Encoder } from 'embedkit/encoders';
import { startServer, type ServeOptions } from 'embedkit/serve';
import { wordMap, type WordMap } from 'embedkit/viz';
const options: Word2VecOptions = { input: 'corpus.txt', dim: 10 };
const vectors: Embeddings = await loadEmbeddings('vectors.txt');
const near: Neighbour[] = vectors.mostSimilar({ positive: ['king'], topn: 3 });
const encoder: Encoder = new StaticEncoder(vectors);
const serve: ServeOptions = { models: [] };
const map: WordMap = wordMap(vectors, ['king']);
// @ts-expect-error a misspelt option is a type error, so the declarations are really read
const wrong: Word2VecOptions = { input: 'corpus.txt', dimm: 10 };
export { options, near, encoder, serve, map, wrong, trainWord2Vec, startServer };
`,
  );
  // @types/node as a user's project has it; the package's own declarations are what is checked.
  mkdirSync(join(project, 'node_modules/@types'), { recursive: true });
  symlinkSync(join(root, 'node_modules/@types/node'), join(project, 'node_modules/@types/node'), 'dir');
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    // Checked like a user's strictest setting: our declarations (and those they pull in) must compile too.
    skipLibCheck: false,
    types: ['node'],
  });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  const text = ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => project, getNewLine: () => '\n' });
  assert.equal(text, '');
  // The declarations came from the unpacked package, not from this checkout's sources.
  assert.ok(program.getSourceFiles().some((f) => f.fileName.startsWith(join(pkgDir, 'dist/src/train/'))));
});
