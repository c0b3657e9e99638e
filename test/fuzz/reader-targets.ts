// The vector-file readers under fuzz: for each target, the valid files its mutants start from (written by the
// reference tools and by embedkit itself), the load options that change the reader's code paths, and the check
// that a loaded value is sound (finite vectors, the dimension the mutant's own header gives).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { loadEmbeddings, loadFastTextModel, type LoadOptions } from '../../src/formats/index.ts';
import type { Embeddings } from '../../src/vectors/embeddings.ts';
import { FASTTEXT_MAGIC } from '../../src/formats/fasttext-bin-layout.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const fixture = (path: string): Uint8Array => readFileSync(FIXTURES + path);
/** A copy of a ../shared/data/fixtures file (test/fixtures/reference; the largest are kept gzipped). */
const reference = (name: string): Uint8Array => (name.endsWith('.gz') ? gunzipSync(fixture(`reference/${name}`)) : fixture(`reference/${name}`));

/** One valid file a target mutates. `gzip`: the mutant is the file's plain text mutated, then compressed. */
export interface SeedFile {
  label: string;
  bytes: Uint8Array;
  gzip?: boolean;
}

export interface ReaderTarget {
  name: string;
  /** Extension of the mutant's file name (detection separates `.vec` from word2vec text by it). */
  ext: string;
  seeds: () => SeedFile[];
  /** Option sets, used in turn: mutant i loads with options[i % length]. */
  options: LoadOptions[];
  /** Loads the mutant file: what must end in a value or a clean EmbedkitError. */
  load: (path: string, options: LoadOptions) => Promise<Embeddings>;
  /** The dimension the mutant's bytes promise (its header, or GloVe's first row), or undefined when unknown. */
  expectedDim: (bytes: Uint8Array) => number | undefined;
}

const HEADER = /^\s*(\d+)[ \t]+(\d+)\s*$/;

/** Text of a mutant, decompressed when it is gzip (undefined when it does not decompress). */
function plainText(bytes: Uint8Array): Buffer | undefined {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return Buffer.from(bytes);
  try {
    return gunzipSync(bytes);
  } catch {
    return undefined;
  }
}

/** "rows dim" of the first line, or, for a header-less file, the number of values after its first word. */
function textDim(bytes: Uint8Array, headerless: boolean): number | undefined {
  const b = plainText(bytes);
  if (!b) return undefined;
  let start = 0;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) start = 3;
  const nl = b.indexOf(0x0a, start);
  let line = b.toString('latin1', start, nl < 0 ? b.length : nl);
  const header = HEADER.exec(line);
  if (header) return Number(header[2]);
  if (!headerless) return undefined;
  if (line.endsWith('\r')) line = line.slice(0, -1);
  const space = line.indexOf(' ');
  if (space < 0) return 0;
  return line.slice(space).split(/[ \t]+/).filter((f) => f !== '').length;
}

const loadVectors = (path: string, options: LoadOptions) => loadEmbeddings(path, options);
const loadModel = async (path: string, options: LoadOptions) => {
  const { format: _format, ...rest } = options;
  return (await loadFastTextModel(path, rest)).embeddings;
};

/** Options common to every text reader: limits (the early stop), small caps (the cap paths), lenient Unicode. */
const TEXT_OPTIONS: LoadOptions[] = [
  {},
  { limit: 1 },
  { limit: 3 },
  { unicodeErrors: 'replace' },
  { unicodeErrors: 'ignore', limit: 5 },
  { maxLineBytes: 300, maxWordBytes: 12 },
];

const quiet = { onWarning: () => undefined };
const withQuiet = (sets: LoadOptions[]) => sets.map((o) => ({ ...quiet, ...o }));

export const READER_TARGETS: ReaderTarget[] = [
  {
    name: 'word2vec-text',
    ext: '.txt',
    seeds: () => [
      { label: 'word2vec C', bytes: fixture('formats/w2v-c-small.txt') },
      { label: 'gensim', bytes: fixture('formats/gensim-text-small.txt') },
      { label: 'gensim test data (1750 rows)', bytes: reference('word2vec_pre_kv_c') },
    ],
    options: withQuiet([...TEXT_OPTIONS, { format: 'word2vec-text' }, { format: 'word2vec-text', limit: 2 }]),
    load: loadVectors,
    expectedDim: (b) => textDim(b, false),
  },
  {
    name: 'word2vec-binary',
    ext: '.bin',
    seeds: () => [
      { label: 'word2vec C', bytes: fixture('formats/w2v-c-small.bin') },
      { label: 'gensim', bytes: fixture('formats/gensim-small.bin') },
      { label: 'gensim test data (no newlines)', bytes: reference('euclidean_vectors.bin') },
    ],
    options: withQuiet([{}, { limit: 1 }, { limit: 4 }, { unicodeErrors: 'replace' }, { maxWordBytes: 6 }, { format: 'word2vec-binary' }, { format: 'word2vec-binary', limit: 2 }]),
    load: loadVectors,
    expectedDim: (b) => textDim(b, false),
  },
  {
    name: 'glove-text',
    ext: '.txt',
    seeds: () => [
      { label: 'GloVe C', bytes: fixture('formats/glove-c-small.txt') },
      { label: 'embedkit', bytes: fixture('glove/vectors.txt') },
      { label: 'gensim test data', bytes: reference('test_glove.txt') },
    ],
    // Forced glove-text also takes header-less files whose first line detection would read otherwise.
    options: withQuiet([...TEXT_OPTIONS, { format: 'glove-text' }, { format: 'glove-text', limit: 2 }, { format: 'glove-text', maxLineBytes: 120 }]),
    load: loadVectors,
    expectedDim: (b) => textDim(b, true),
  },
  {
    name: 'fasttext-vec',
    ext: '.vec',
    seeds: () => [
      { label: 'fastText', bytes: fixture('fasttext/tiny-skipgram.vec') },
      { label: 'gensim (Cyrillic)', bytes: fixture('formats/cyrillic-small.vec') },
      { label: 'fastText (Russian)', bytes: reference('crime-and-punishment.vec') },
    ],
    options: withQuiet([...TEXT_OPTIONS, { format: 'fasttext-vec' }, { format: 'glove-text', limit: 4 }]),
    load: loadVectors,
    expectedDim: (b) => textDim(b, true),
  },
  {
    name: 'text-gzip',
    ext: '.txt.gz',
    seeds: () => [
      // Mostly the text mutated then compressed (the parser behind gunzip), some the compressed bytes themselves.
      { label: 'word2vec C, mutated then gzipped', bytes: fixture('formats/w2v-c-small.txt'), gzip: true },
      { label: 'GloVe C, mutated then gzipped', bytes: fixture('formats/glove-c-small.txt'), gzip: true },
      { label: 'word2vec C gzipped, bytes mutated', bytes: gzipSync(fixture('formats/w2v-c-small.txt')) },
    ],
    options: withQuiet([...TEXT_OPTIONS, { format: 'glove-text' }]),
    load: loadVectors,
    expectedDim: (b) => textDim(b, true),
  },
  {
    name: 'fasttext-bin',
    ext: '.bin',
    seeds: () => [
      { label: 'fastText skipgram', bytes: fixture('fasttext/tiny-skipgram.bin') },
      { label: 'fastText (Russian)', bytes: reference('crime-and-punishment.bin') },
      { label: 'fastText, header-less first-release layout', bytes: reference('lee_fasttext.bin.gz') },
    ],
    options: withQuiet([{}, { limit: 1 }, { limit: 7 }, { unicodeErrors: 'strict' }]),
    load: loadModel,
    expectedDim: fastTextDim,
  },
  {
    name: 'fasttext-ftz',
    ext: '.ftz',
    seeds: () => [{ label: 'fastText quantized supervised', bytes: fixture('fasttext/tiny-supervised.ftz') }],
    options: withQuiet([{}, { limit: 1 }, { limit: 7 }, { unicodeErrors: 'strict' }]),
    load: loadModel,
    expectedDim: fastTextDim,
  },
  {
    name: 'auto-detect',
    ext: '.bin',
    // Every format through detection: a mutant may look like another format (a damaged magic number, a header
    // line that loses its newline), and whichever reader detection picks must hold the property.
    seeds: () => [
      { label: 'fastText skipgram', bytes: fixture('fasttext/tiny-skipgram.bin') },
      { label: 'word2vec C binary', bytes: fixture('formats/w2v-c-small.bin') },
      { label: 'word2vec C text', bytes: fixture('formats/w2v-c-small.txt') },
      { label: 'GloVe C', bytes: fixture('formats/glove-c-small.txt') },
    ],
    options: withQuiet([{}, { limit: 2 }]),
    load: loadVectors,
    // A fastText magic number or a "rows dim" first line says the dimension; otherwise the format decides.
    expectedDim: (b) => (b.length >= 4 && new DataView(b.buffer, b.byteOffset).getInt32(0, true) === FASTTEXT_MAGIC ? fastTextDim(b) : textDim(b, false)),
  },
];

// The word2vec C tool's -save-vocab file, read beside its vectors (LoadOptions vocabFile): the mutant is the vocabulary.
const SMALL_VECTORS = `${FIXTURES}formats/w2v-c-small.bin`;
READER_TARGETS.push({
  name: 'vocab-file',
  ext: '.vocab',
  seeds: () => [{ label: 'word2vec C -save-vocab', bytes: reference('w2v-c-lee.vocab') }],
  options: withQuiet([{}, { limit: 3 }]),
  load: async (path, options) => {
    const emb = await loadEmbeddings(SMALL_VECTORS, { ...options, vocabFile: path });
    // Counts come from the mutant: they must be what a count can be.
    for (let i = 0; i < emb.size; i++) {
      const c = emb.vocab.count(i);
      if (!(Number.isFinite(c) && c >= 0)) throw new Error(`count of ${JSON.stringify(emb.vocab.word(i))} is ${c}`);
    }
    return emb;
  },
  expectedDim: () => 12,
});

/** args.dim of a fastText model: after magic and version, or first in the header-less legacy layout. */
function fastTextDim(bytes: Uint8Array): number | undefined {
  if (bytes.length < 12) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return view.getInt32(0, true) === FASTTEXT_MAGIC ? view.getInt32(8, true) : view.getInt32(0, true);
}

export function readerTarget(name: string): ReaderTarget {
  const t = READER_TARGETS.find((x) => x.name === name);
  if (!t) throw new Error(`no reader target ${name}`);
  return t;
}
