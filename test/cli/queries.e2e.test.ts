// End-to-end: info, similar, analogy, query and eval through the real `embedkit` binary, on a hand-written
// 10-word file whose answers this file computes by brute force.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  cosine,
  cosmulTo,
  describeRun,
  DIM,
  makeTempDir,
  nearestTo,
  parseJson,
  pearsonR,
  ranks,
  REPO,
  runCli,
  smallestGap,
  VECTORS,
  word2vecBinary,
  word2vecText,
  WORDS,
  writeFile,
  type CliResult,
  type Scored,
} from './e2e-helpers.ts';

const tmp = makeTempDir();
let text = '';
let binary = '';

before(() => {
  text = writeFile(tmp.dir, 'vectors.txt', word2vecText());
  binary = writeFile(tmp.dir, 'vectors.bin', word2vecBinary().bytes);
});
after(() => tmp.remove());

function assertOk(r: CliResult): void {
  assert.equal(r.code, 0, describeRun(r));
}

/** "  1. queen   0.6190" lines of the text output. */
function neighbourLines(stdout: string): Scored[] {
  return [...stdout.matchAll(/^\s*\d+\.\s+(\S+)\s+(-?\d+\.\d{4})$/gmu)].map((m) => ({ word: m[1], score: Number(m[2]) }));
}

function assertNeighbours(actual: Scored[], expected: Scored[], tolerance: number): void {
  assert.deepEqual(
    actual.map((n) => n.word),
    expected.map((n) => n.word),
  );
  actual.forEach((n, i) => assert.ok(Math.abs(n.score - expected[i].score) <= tolerance, `${n.word}: ${n.score} vs ${expected[i].score}`));
}

describe('embedkit info', { concurrency: 3 }, () => {
  const norms = VECTORS.map((v) => Math.hypot(...v));
  const min = Math.min(...norms);
  const max = Math.max(...norms);
  const mean = norms.reduce((s, x) => s + x, 0) / norms.length;

  it('prints format, size, dimension, norms and first words', async () => {
    const r = await runCli(['info', text]);
    assertOk(r);
    assert.match(r.stdout, /format\s+word2vec-text/);
    assert.match(r.stdout, /words\s+10\b/);
    assert.match(r.stdout, /dimensions\s+4\b/);
    assert.ok(r.stdout.includes(`min ${min.toFixed(3)}  mean ${mean.toFixed(3)}  max ${max.toFixed(3)}`), r.stdout);
    assert.ok(r.stdout.includes(WORDS.join(' ')), r.stdout);
  });

  it('--json on a word2vec binary file', async () => {
    const r = await runCli(['info', binary, '--json']);
    assertOk(r);
    const info = parseJson<{ path: string; format: string; bytes: number; words: number; dim: number; norm: { min: number; mean: number; max: number }; firstWords: string[] }>(r);
    assert.equal(info.path, binary);
    assert.equal(info.format, 'word2vec-binary');
    assert.equal(info.bytes, statSync(binary).size);
    assert.equal(info.words, WORDS.length);
    assert.equal(info.dim, DIM);
    assert.ok(Math.abs(info.norm.min - min) < 1e-6 && Math.abs(info.norm.mean - mean) < 1e-6 && Math.abs(info.norm.max - max) < 1e-6, JSON.stringify(info.norm));
    assert.deepEqual(info.firstWords, WORDS);
  });
});

describe('embedkit similar', { concurrency: 3 }, () => {
  it('lists the nearest words by cosine, best first', async () => {
    const expected = nearestTo([['king', 1]]).slice(0, 3);
    assert.ok(smallestGap(expected, 3) > 1e-3, 'fixture has a near-tie');
    const r = await runCli(['similar', text, 'king', '--topn', '3']);
    assertOk(r);
    assert.match(r.stdout, /nearest to king/);
    assertNeighbours(neighbourLines(r.stdout), expected, 5.1e-5);
  });

  it('--json with several words gives one entry per word', async () => {
    const r = await runCli(['similar', binary, 'king', 'apple', '-n', '4', '--json']);
    assertOk(r);
    const out = parseJson<{ word: string; neighbours: Scored[] }[]>(r);
    assert.deepEqual(
      out.map((e) => e.word),
      ['king', 'apple'],
    );
    for (const e of out) assertNeighbours(e.neighbours, nearestTo([[e.word, 1]]).slice(0, 4), 1e-5);
  });

  it('accepts word2vec C style single-dash flags (-topn, -restrictVocab)', async () => {
    // Only the first 4 words (king queen man woman) may answer; boy itself is word 7.
    const expected = nearestTo([['boy', 1]])
      .filter((n) => WORDS.indexOf(n.word) < 4)
      .slice(0, 2);
    const r = await runCli(['similar', text, 'boy', '-topn', '2', '-restrictVocab', '4', '--json']);
    assertOk(r);
    assertNeighbours(parseJson<{ neighbours: Scored[] }[]>(r)[0].neighbours, expected, 1e-5);
  });
});

describe('embedkit analogy', { concurrency: 3 }, () => {
  const add = nearestTo([
    ['king', 1],
    ['woman', 1],
    ['man', -1],
  ]);

  it('man : king :: woman : ? answers queen (text)', async () => {
    assert.equal(add[0].word, 'queen');
    const r = await runCli(['analogy', text, 'man', 'king', 'woman']);
    assertOk(r);
    assert.match(r.stdout, /man : king :: woman : \?/);
    assertNeighbours(neighbourLines(r.stdout), add.slice(0, 5), 5.1e-5);
  });

  it('--json reports the method and the 3CosAdd answers', async () => {
    const r = await runCli(['analogy', binary, 'man', 'king', 'woman', '--topn', '3', '--json']);
    assertOk(r);
    const out = parseJson<{ a: string; b: string; c: string; method: string; answers: Scored[] }>(r);
    assert.deepEqual([out.a, out.b, out.c, out.method], ['man', 'king', 'woman', '3cosadd']);
    assertNeighbours(out.answers, add.slice(0, 3), 1e-5);
  });

  it('--cosmul --json ranks by 3CosMul', async () => {
    const expected = cosmulTo(['prince', 'girl'], ['boy']).slice(0, 3);
    assert.ok(smallestGap(expected, 3) > 1e-3, 'fixture has a near-tie');
    const r = await runCli(['analogy', text, 'boy', 'prince', 'girl', '--cosmul', '--topn', '3', '--json']);
    assertOk(r);
    const out = parseJson<{ method: string; answers: Scored[] }>(r);
    assert.equal(out.method, '3cosmul');
    assertNeighbours(out.answers, expected, 1e-5);
  });
});

describe('embedkit query', { concurrency: 2 }, () => {
  it('"king - man + woman" given as separate words ranks queen first (text)', async () => {
    const expected = nearestTo([
      ['king', 1],
      ['man', -1],
      ['woman', 1],
    ]);
    const r = await runCli(['query', text, 'king', '-', 'man', '+', 'woman']);
    assertOk(r);
    assert.match(r.stdout, /king - man \+ woman/);
    // topn 10 by default: every word but the three in the query.
    assertNeighbours(neighbourLines(r.stdout), expected, 5.1e-5);
    assert.equal(expected.length, WORDS.length - 3);
  });

  it('--json parses weights ("0.5*boy") and reports the terms', async () => {
    const terms: [string, number][] = [
      ['prince', 1],
      ['boy', -0.5],
      ['girl', 1],
    ];
    const expected = nearestTo(terms).slice(0, 3);
    const r = await runCli(['query', binary, 'prince - 0.5*boy + girl', '--topn', '3', '--json']);
    assertOk(r);
    const out = parseJson<{ expression: string; positive: [string, number][]; negative: [string, number][]; neighbours: Scored[] }>(r);
    assert.equal(out.expression, 'prince - 0.5*boy + girl');
    assert.deepEqual(out.positive, [
      ['prince', 1],
      ['girl', 1],
    ]);
    assert.deepEqual(out.negative, [['boy', -0.5]]);
    assertNeighbours(out.neighbours, expected, 1e-5);
  });
});

describe('embedkit eval', { concurrency: 3 }, () => {
  // Mixed case on purpose: evaluation is case-insensitive by default.
  const questions = [
    ': royalty',
    'man king woman queen',
    'boy prince girl princess',
    'Man Woman King Queen',
    'apple orange king queen',
    'man king woman zebra',
    ': people',
    'boy man girl woman',
    'king man queen woman',
    'apple king orange prince',
  ];
  const pairs = ['# a comment', 'king\tqueen\t8.0', 'man\twoman\t7.5', 'king\tapple\t1.0', 'apple\torange\t9.0', 'boy\tgirl\t6.0', 'prince\tking\t8.5', 'woman\torange\t0.5', 'zebra\tking\t5.0'];

  // Expected analogy results, by brute force: top-1 of b - a + c among the other words.
  const sections: { section: string; correct: number; incorrect: number }[] = [];
  let oov = 0;
  let total = 0;
  for (const line of questions) {
    if (line.startsWith(':')) {
      sections.push({ section: line.slice(1).trim(), correct: 0, incorrect: 0 });
      continue;
    }
    total++;
    const [a, b, c, d] = line.toLowerCase().split(' ');
    if (![a, b, c, d].every((w) => WORDS.includes(w))) {
      oov++;
      continue;
    }
    const ranked = nearestTo([
      [b, 1],
      [c, 1],
      [a, -1],
    ]);
    assert.ok(smallestGap(ranked, 2) > 1e-4, `near-tie answering ${line}`);
    if (ranked[0].word === d) sections[sections.length - 1].correct++;
    else sections[sections.length - 1].incorrect++;
  }
  const correct = sections.reduce((s, x) => s + x.correct, 0);
  const incorrect = sections.reduce((s, x) => s + x.incorrect, 0);

  // Expected word-pair correlations.
  const known = pairs.filter((l) => !l.startsWith('#')).map((l) => l.split('\t'));
  const inVocab = known.filter(([a, b]) => WORDS.includes(a) && WORDS.includes(b));
  const gold = inVocab.map((p) => Number(p[2]));
  const model = inVocab.map(([a, b]) => cosine(VECTORS[WORDS.indexOf(a)], VECTORS[WORDS.indexOf(b)]));
  const expectedPearson = pearsonR(gold, model);
  const expectedSpearman = pearsonR(ranks(gold), ranks(model));
  const expectedOovRatio = (known.length - inVocab.length) / known.length;

  let analogiesFile = '';
  let pairsFile = '';
  before(() => {
    analogiesFile = writeFile(tmp.dir, 'questions.txt', `${questions.join('\n')}\n`);
    pairsFile = writeFile(tmp.dir, 'pairs.tsv', `${pairs.join('\n')}\n`);
  });

  it('the fixture answers some questions right and some wrong', () => {
    assert.ok(correct > 0 && incorrect > 0, JSON.stringify(sections));
  });

  it('--json: per-section counts, OOV accounting, Spearman and Pearson', async () => {
    const r = await runCli(['eval', text, '--analogies', analogiesFile, '--pairs', pairsFile, '--json']);
    assertOk(r);
    const out = parseJson<{
      vectors: string;
      analogies: { score: number; oov: number; oovRatio: number; total: number; method: string; sections: { section: string; correct: number; incorrect: number; accuracy: number }[] };
      pairs: { pearson: { r: number; pValue: number }; spearman: { rho: number; pValue: number }; oovRatio: number; pairs: number; oov: number };
    }>(r);
    assert.equal(out.vectors, text);
    const a = out.analogies;
    assert.equal(a.method, '3cosadd');
    assert.deepEqual(
      a.sections.map(({ section, correct, incorrect }) => ({ section, correct, incorrect })),
      [...sections, { section: 'Total accuracy', correct, incorrect }],
    );
    assert.ok(Math.abs(a.score - correct / (correct + incorrect)) < 1e-12);
    assert.equal(a.total, total);
    assert.equal(a.oov, oov);
    assert.ok(Math.abs(a.oovRatio - oov / total) < 1e-12);
    const p = out.pairs;
    assert.equal(p.pairs, inVocab.length);
    assert.equal(p.oov, known.length - inVocab.length);
    // A fraction in --json, as for analogies.
    assert.ok(Math.abs(p.oovRatio - expectedOovRatio) < 1e-12, `${p.oovRatio} vs ${expectedOovRatio}`);
    assert.ok(Math.abs(p.pearson.r - expectedPearson) < 1e-5, `${p.pearson.r} vs ${expectedPearson}`);
    assert.ok(Math.abs(p.spearman.rho - expectedSpearman) < 1e-9, `${p.spearman.rho} vs ${expectedSpearman}`);
    for (const pv of [p.pearson.pValue, p.spearman.pValue]) assert.ok(pv >= 0 && pv <= 1, String(pv));
  });

  it('text: accuracy table and correlations (3CosMul, single-dash -restrictVocab)', async () => {
    const r = await runCli(['eval', binary, '--analogies', analogiesFile, '--pairs', pairsFile, '--method', '3cosmul', '-restrictVocab', '1000']);
    assertOk(r);
    assert.match(r.stdout, /analogies \(3cosmul, restrict_vocab 1000\)/);
    assert.ok(r.stdout.includes(`(${oov} of ${total} questions out of vocabulary`), r.stdout);
    for (const s of sections) assert.match(r.stdout, new RegExp(`^\\s+${s.section}\\s+\\d+\\s+\\d+\\s+\\d+\\.\\d\\d%$`, 'm'));
    assert.match(r.stdout, /^\s+Total accuracy\s+\d+\s+\d+/m);
    assert.ok(r.stdout.includes(`Spearman ${expectedSpearman.toFixed(4)}`), r.stdout);
    assert.ok(r.stdout.includes(`Pearson ${expectedPearson.toFixed(4)}`), r.stdout);
    // The text output prints the word-pair OOV share as a percentage.
    assert.ok(r.stdout.includes(`(OOV ${(expectedOovRatio * 100).toFixed(2)}%)`), r.stdout);
  });

  it('on the bundled data/eval sets: every question and pair is counted', async () => {
    const qFile = join(REPO, 'data/eval/questions-words.txt');
    const pFile = join(REPO, 'data/eval/wordsim353.tsv');
    const qLines = readFileSync(qFile, 'utf8').split('\n').filter((l) => l.trim() !== '');
    const headers = qLines.filter((l) => l.startsWith(':')).map((l) => l.slice(1).trim());
    const qCount = qLines.length - headers.length;
    const pRows = readFileSync(pFile, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('#'))
      .map((l) => l.split('\t'));
    const pKnown = pRows.filter(([a, b]) => WORDS.includes(a.toLowerCase()) && WORDS.includes(b.toLowerCase())).length;
    const r = await runCli(['eval', text, '--analogies', qFile, '--pairs', pFile, '--json']);
    assertOk(r);
    const out = parseJson<{ analogies: { total: number; sections: { section: string }[] }; pairs: { pairs: number; oov: number } }>(r);
    assert.equal(out.analogies.total, qCount);
    assert.deepEqual(
      out.analogies.sections.map((s) => s.section),
      [...headers, 'Total accuracy'],
    );
    assert.equal(out.pairs.pairs, pKnown);
    assert.equal(out.pairs.oov, pRows.length - pKnown);
  });
});
