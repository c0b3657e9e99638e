import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluateAnalogies } from '../eval/analogies.ts';
import type { Embeddings } from '../vectors/embeddings.ts';
import { solveAnalogy } from './analogy-query.ts';

/** The analogy set the package ships (word2vec's questions-words, in data/eval). */
const SHIPPED_ANALOGIES = 'data/eval/questions-words.txt';
/** Only questions among the most frequent words count, as usual for this set (gensim's restrict_vocab=30000). */
const RESTRICT_VOCAB = 30_000;
/** Right answers per section checked against the page's own query (the best margin among them is offered). */
const CANDIDATES_PER_SECTION = 6;

/** One question the model answers right with the page's query: a is to b as c is to expected (b − a + c). */
export interface AnalogyExample {
  section: string;
  a: string;
  b: string;
  c: string;
  expected: string;
}

/** How a served model does on the shipped analogy set, and the examples the page offers. */
export interface AnalogyReport {
  /** The set's file name (data/eval/…). */
  file: string;
  restrictVocab: number;
  /** Questions whose four words are among the first restrictVocab words. */
  answered: number;
  correct: number;
  accuracy: number;
  /** Per section, in file order (sections with no answered question left out). */
  sections: { section: string; answered: number; correct: number; accuracy: number }[];
  /** The best-answered question of each section the model gets right, the most reliable first. */
  examples: AnalogyExample[];
}

/** The shipped analogy set: looked up from this module upwards (sources and build differ in depth). */
export function shippedAnalogyFile(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, SHIPPED_ANALOGIES);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

/**
 * Scores `emb` on the analogy set (the evaluation code: one batched pass, fast) and picks, per section, the right
 * answer with the widest lead over the runner-up as the page's query finds it (solveAnalogy over every word, not
 * only the evaluation's restricted vocabulary); questions the page's query would answer differently are never offered.
 */
export async function analogyReport(emb: Embeddings, file = shippedAnalogyFile()): Promise<AnalogyReport | undefined> {
  if (!file) return undefined;
  const candidates = new Map<string, AnalogyExample[]>();
  const result = await evaluateAnalogies(emb, file, {
    restrictVocab: RESTRICT_VOCAB,
    onAnswer: ({ section, words: [a, b, c, expected], correct }) => {
      if (!correct) return;
      const list = candidates.get(section) ?? [];
      if (list.length < CANDIDATES_PER_SECTION) candidates.set(section, [...list, { section, a, b, c, expected }]);
    },
  });
  const ranked: { example: AnalogyExample; lead: number; accuracy: number }[] = [];
  const sections = result.sections
    .filter((s) => s.section !== 'Total accuracy' && s.correct + s.incorrect > 0)
    .map((s) => ({ section: s.section, answered: s.correct + s.incorrect, correct: s.correct, accuracy: s.accuracy }));
  for (const s of sections) {
    let best: { example: AnalogyExample; lead: number } | undefined;
    for (const example of candidates.get(s.section) ?? []) {
      const [first, second] = solveAnalogy(emb, example.a, example.b, example.c, 2);
      if (first?.word !== example.expected) continue;
      const lead = first.score - (second?.score ?? -1);
      if (!best || lead > best.lead) best = { example, lead };
    }
    if (best) ranked.push({ ...best, accuracy: s.accuracy });
  }
  // Sections the model answers best first; within equal accuracy, the clearer answer.
  ranked.sort((x, y) => y.accuracy - x.accuracy || y.lead - x.lead);
  const total = result.sections[result.sections.length - 1];
  return {
    file: SHIPPED_ANALOGIES,
    restrictVocab: RESTRICT_VOCAB,
    answered: total.correct + total.incorrect,
    correct: total.correct,
    accuracy: total.accuracy,
    sections,
    examples: ranked.map((r) => r.example),
  };
}
