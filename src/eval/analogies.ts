import { FormatError, InvalidArgumentError } from '../errors.ts';
import type { Embeddings } from '../vectors/embeddings.ts';
import { ANALOGY_TOPN, topCandidates, type AnalogyMethod } from './analogy-solver.ts';
import { readLines, splitWhitespace, stripWhitespace } from './eval-text.ts';
import { evalVocab, type EvalVocabOptions } from './eval-vocab.ts';

/**
 * Word-analogy evaluation on a questions-words file (": section" lines, then "a b c d" lines meaning
 * a is to b as c is to d), with the semantics of gensim's evaluate_word_analogies so scores agree:
 * a question counts only if all four words are among the first `restrictVocab` words; the answer is the
 * best candidate among those words that is not a question word (case variants of a question word
 * included when case-insensitive), looked for among the 5 best-scoring rows.
 */

export interface AnalogyOptions extends EvalVocabOptions {
  /**
   * 3CosAdd (vector offset, gensim's most_similar; default) or 3CosMul (most_similar_cosmul). Both search
   * only the first `restrictVocab` rows. (gensim 4.2 always uses most_similar, whatever its
   * similarity_function says, and its most_similar_cosmul ignores restrict_vocab; 3CosMul here equals gensim
   * evaluating with most_similar_cosmul on the first restrict_vocab rows.)
   */
  method?: AnalogyMethod | '3CosAdd' | '3CosMul';
  /** Count questions with unknown words as answered wrong instead of leaving them out (default false). */
  dummy4unknown?: boolean;
  /** Skip lines that are not 4 words, as gensim does, instead of failing with a FormatError (default false). */
  skipInvalid?: boolean;
  /** Called for every answered question, in file order, with the model's answer (for a report of which questions it gets right). */
  onAnswer?: (answer: AnalogyAnswer) => void;
}

/** One answered question: its words and the model's answer, as vocabulary words (the rows that answered for the file's words). */
export interface AnalogyAnswer {
  section: string;
  /** a, b, c and the expected d (a is to b as c is to d). */
  words: [string, string, string, string];
  /** The answer (gensim's rule: the best of the 5 top candidates that is not a question word). */
  predicted: string;
  correct: boolean;
}

/** Results of one section of an analogy file (e.g. "capital-common-countries"). */
export interface AnalogySection {
  /** The section's name as the file gives it after ": ". */
  section: string;
  /** Questions answered right. */
  correct: number;
  /** Questions answered wrong. */
  incorrect: number;
  /** correct / (correct + incorrect), 0 when the section has no answered question. */
  accuracy: number;
}

/** What evaluateAnalogies found, section by section. */
export interface AnalogyResult {
  /** Accuracy over all answered questions (the "Total accuracy" section). */
  score: number;
  /** Every section in file order, then "Total accuracy". */
  sections: AnalogySection[];
  /** Questions with a word outside the first `restrictVocab` words. */
  oov: number;
  /** oov / total, a fraction in [0, 1] (gensim logs it as a percentage). */
  oovRatio: number;
  /** Questions read (lines of four words). */
  total: number;
  /** Lines skipped as invalid (only with skipInvalid). */
  skipped: number;
  method: AnalogyMethod;
}

interface ParsedQuestions {
  sectionNames: string[];
  /** Section index of each question. */
  sectionOf: number[];
  /** Four keys per question. */
  words: string[][];
  skipped: number;
}

/**
 * Accuracy on an analogy file in word2vec's questions-words format (": section" lines, then "a b c d"), as gensim's evaluate_word_analogies computes it.
 * @example
 * ```ts
 * import { evaluateAnalogies, loadEmbeddings } from 'embedkit';
 * const vectors = await loadEmbeddings('vectors.bin');
 * const result = await evaluateAnalogies(vectors, 'data/eval/questions-words.txt', { restrictVocab: 30000 });
 * console.log(result.score, result.oov, result.sections.map((s) => s.section));
 * ```
 */
export async function evaluateAnalogies(emb: Embeddings, path: string, options: AnalogyOptions = {}): Promise<AnalogyResult> {
  const method = analogyMethod(options.method);
  const vocab = evalVocab(emb, options);
  const parsed = parseQuestions(path, vocab.key, options.skipInvalid ?? false);

  const correct = new Array<number>(parsed.sectionNames.length).fill(0);
  const incorrect = new Array<number>(parsed.sectionNames.length).fill(0);
  let oov = 0;
  const answered: number[] = []; // question indices that get solved
  const triples: number[] = [];
  const expected: number[] = [];
  parsed.words.forEach((quad, q) => {
    const rows = quad.map((w) => vocab.rowOf.get(w));
    if (rows.some((r) => r === undefined)) {
      oov++;
      if (options.dummy4unknown) incorrect[parsed.sectionOf[q]]++;
      return;
    }
    answered.push(q);
    triples.push(rows[0]!, rows[1]!, rows[2]!);
    expected.push(rows[3]!);
  });

  await emb.prepare(); // the WebAssembly similarity kernel, when this platform has it
  const best = topCandidates({
    unitRow: (row) => emb.unitMatrix().subarray(row * emb.dim, (row + 1) * emb.dim),
    scoreRows: (query, start, end) => emb.scoreRows(query, start, end),
    end: vocab.end,
    triples: Int32Array.from(triples),
    method,
  });
  answered.forEach((q, i) => {
    const predicted = predictedRow(best.subarray(i * ANALOGY_TOPN, (i + 1) * ANALOGY_TOPN), vocab.canonical, triples, i);
    if (predicted === expected[i]) correct[parsed.sectionOf[q]]++;
    else incorrect[parsed.sectionOf[q]]++;
    if (options.onAnswer) {
      const word = (row: number) => emb.vocab.word(row);
      const [a, b, c] = [triples[3 * i], triples[3 * i + 1], triples[3 * i + 2]].map(word);
      options.onAnswer({ section: parsed.sectionNames[parsed.sectionOf[q]], words: [a, b, c, word(expected[i])], predicted: predicted >= 0 ? word(predicted) : '', correct: predicted === expected[i] });
    }
  });

  const sections = parsed.sectionNames.map((section, s) => sectionResult(section, correct[s], incorrect[s]));
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const totalSection = sectionResult('Total accuracy', sum(correct), sum(incorrect));
  sections.push(totalSection);
  const total = parsed.words.length;
  return { score: totalSection.accuracy, sections, oov, oovRatio: total ? oov / total : 0, total, skipped: parsed.skipped, method };
}

/**
 * gensim's rule: walk the 5 best rows; the first whose key is not a question word is the answer. If all
 * of them are question words (case variants), the answer is the last one looked at, which then is wrong
 * unless the expected word is itself a question word.
 */
function predictedRow(best: Int32Array, canonical: Int32Array, triples: number[], i: number): number {
  const a = triples[3 * i];
  const b = triples[3 * i + 1];
  const c = triples[3 * i + 2];
  let predicted = -1;
  for (const row of best) {
    if (row < 0) break;
    predicted = canonical[row];
    if (predicted !== a && predicted !== b && predicted !== c) break;
  }
  return predicted;
}

function sectionResult(section: string, correct: number, incorrect: number): AnalogySection {
  const n = correct + incorrect;
  return { section, correct, incorrect, accuracy: n ? correct / n : 0 };
}

function analogyMethod(m: AnalogyOptions['method']): AnalogyMethod {
  const lower = (m ?? '3cosadd').toLowerCase();
  if (lower !== '3cosadd' && lower !== '3cosmul') throw new InvalidArgumentError(`analogy method must be 3cosadd or 3cosmul, got ${JSON.stringify(m)}`);
  return lower;
}

/** Reads a questions-words file; `key` maps each word to its vocabulary key (e.g. upper-cases it). */
export function parseQuestions(path: string, key: (w: string) => string, skipInvalid: boolean): ParsedQuestions {
  const out: ParsedQuestions = { sectionNames: [], sectionOf: [], words: [], skipped: 0 };
  // Only '\n' ends a line (gensim reads the file as bytes); a '\r' before it is whitespace.
  for (const { text, line } of readLines(path, false)) {
    if (text.startsWith(': ')) {
      out.sectionNames.push(stripWhitespace(text.replace(/^[: ]+/, '')));
      continue;
    }
    const fields = splitWhitespace(text);
    if (fields.length === 0) continue; // blank lines carry nothing
    if (out.sectionNames.length === 0) {
      throw new FormatError(`expected a ": section" line before the first question, found ${JSON.stringify(text.slice(0, 80))}`, { file: path, line });
    }
    if (fields.length !== 4) {
      if (skipInvalid) {
        out.skipped++;
        continue;
      }
      throw new FormatError(`expected 4 words (a b c d) or a ": section" line, found ${fields.length} field${fields.length === 1 ? '' : 's'}: ${JSON.stringify(text.slice(0, 80))}`, { file: path, line });
    }
    out.sectionOf.push(out.sectionNames.length - 1);
    out.words.push(fields.map(key));
  }
  return out;
}
