import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { saveEmbeddings } from '../../src/formats/index.ts';
import { Embeddings } from '../../src/vectors/embeddings.ts';
import { Vocabulary } from '../../src/vocab/vocabulary.ts';
import { seededRandom } from '../../src/util/random.ts';

/**
 * Runs documentation examples as a user would, against small fixtures: each example is a TypeScript module that
 * imports `embedkit` (rewritten to the sources), run in a fresh directory holding `vectors.bin` (word2vec binary),
 * `vectors.txt` (the same as text), `fasttext.bin` (a small fastText model), `corpus.txt` (a few hundred lines of the sample corpus), a `data/` link to the
 * shipped data and `model/`, a tiny transformer model. `http://127.0.0.1:8080` is rewritten to a server the caller
 * started, so examples can talk to it.
 */
export const root = resolve(import.meta.dirname, '../..');

const ENTRIES: Record<string, string> = {
  embedkit: 'src/index.ts',
  'embedkit/train': 'src/train/index.ts',
  'embedkit/encoders': 'src/encoders/index.ts',
  'embedkit/search': 'src/search/index.ts',
  'embedkit/serve': 'src/serve/index.ts',
  'embedkit/viz': 'src/viz/index.ts',
  'embedkit/apps': 'src/apps/index.ts',
};

export const FIXTURE_WORDS = [
  'the', 'king', 'queen', 'man', 'woman', 'boy', 'girl', 'cat', 'dog', 'paris', 'france', 'berlin', 'germany', 'london',
  'england', 'rome', 'italy', 'good', 'better', 'bad', 'worse', 'walk', 'walked', 'run', 'ran', 'sentence', 'first', 'second',
  'brother', 'sister', 'he', 'she',
];

/** Deterministic pseudo-random vectors for FIXTURE_WORDS (the examples test that they run, not what they find). */
export function fixtureEmbeddings(dim = 16): Embeddings {
  const random = seededRandom(7);
  const vectors = Float32Array.from({ length: FIXTURE_WORDS.length * dim }, () => random() - 0.5);
  return new Embeddings(new Vocabulary(FIXTURE_WORDS, FIXTURE_WORDS.map((_, i) => 1000 - i)), vectors, dim);
}

/** Rewrites the package's own imports to the source entries and every other bare import to its resolved file (absolute paths, which both Node and tsc take). */
export function rewriteImports(code: string): string {
  return code.replace(/(from\s+|import\s*\(\s*)(['"])([^'"]+)\2/g, (whole, lead: string, quote: string, spec: string) => {
    if (spec in ENTRIES) return `${lead}${quote}${join(root, ENTRIES[spec])}${quote}`;
    if (spec.startsWith('embedkit/')) throw new Error(`example imports ${spec}, which package.json does not export`);
    if (spec.startsWith('.') || spec.startsWith('node:')) return whole;
    return `${lead}${quote}${fileURLToPath(import.meta.resolve(spec))}${quote}`;
  });
}

/** A fresh directory with the fixtures every example may use. */
export async function exampleDir(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'embedkit-example-'));
  const emb = fixtureEmbeddings();
  await saveEmbeddings(emb, join(dir, 'vectors.bin'), { format: 'word2vec-binary' });
  await saveEmbeddings(emb, join(dir, 'vectors.txt'), { format: 'word2vec-text' });
  const lines = gunzipSync(readFileSync(join(root, 'data/sample-pd.txt.gz'))).toString('utf8').split('\n', 400);
  writeFileSync(join(dir, 'corpus.txt'), lines.join('\n') + '\n');
  symlinkSync(join(root, 'data'), join(dir, 'data'), 'dir');
  symlinkSync(join(root, 'test/fixtures/tiny-bert'), join(dir, 'model'), 'dir');
  symlinkSync(join(root, 'test/fixtures/tiny-clip'), join(dir, 'clip'), 'dir');
  symlinkSync(join(root, 'test/fixtures/tiny-clip-heldout'), join(dir, 'pictures'), 'dir');
  copyFileSync(join(root, 'test/fixtures/fasttext/tiny-skipgram.bin'), join(dir, 'fasttext.bin'));
  return dir;
}

/**
 * Runs one example as an ES module in `dir`; resolves to its exit status and output. Asynchronous, so that a server
 * in the calling process keeps answering the example.
 */
export function runExample(code: string, dir: string, serverUrl?: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  let source = rewriteImports(code);
  if (serverUrl) source = source.replaceAll('http://127.0.0.1:8080', serverUrl);
  const file = join(dir, `example-${Math.random().toString(36).slice(2)}.mts`);
  // .mts: an ES module (top-level await) whatever package.json is above the temporary directory.
  writeFileSync(file, source);
  return new Promise((done) => {
    // The limit catches a hung example, not a slow one: the API examples run in one process (every entry point,
    // LanceDB included), which took over a minute on a busy 2-core machine.
    execFile(process.execPath, ['--import', import.meta.resolve('tsx'), file], { cwd: dir, encoding: 'utf8', timeout: 240_000 }, (err, stdout, stderr) => {
      done({ status: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

/**
 * Type-checks examples with the project's compiler options (so a misspelt option or property fails, which running
 * alone would not catch); returns the diagnostics as text, empty when they check.
 */
export function typeCheckExamples(codes: readonly string[], dir: string): string {
  const files = codes.map((code, i) => {
    const file = join(dir, `check-${i + 1}.mts`);
    writeFileSync(file, rewriteImports(code));
    return file;
  });
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  // The rewritten imports are absolute paths to .ts files, which only a non-emitting check may name.
  const program = ts.createProgram(files, { ...config.options, noEmit: true, rewriteRelativeImportExtensions: false });
  const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file && files.includes(d.file.fileName));
  return ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => dir, getNewLine: () => '\n' });
}
