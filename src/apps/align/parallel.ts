import { InvalidArgumentError } from '../../errors.ts';
import { whitespaceTokenizer } from '../../text/tokenize.ts';
import { Embeddings } from '../../vectors/embeddings.ts';
import { Vocabulary } from '../../vocab/vocabulary.ts';
import { seededRandom } from '../../util/random.ts';

/**
 * How the two sides of an aligned sentence pair become one training sentence:
 * - `interleave`: the words merged by relative position (word i of n sits at (i + ½)/n), so each word's window holds
 *   the words the monotonic alignment BiSkip assumes without a word aligner (Luong et al. 2015) puts near it;
 * - `shuffle`: the words of both sides in random order (Vulić and Moens 2015's merge-and-shuffle), so a window
 *   holds any words of the pair.
 */
export type ParallelMerge = 'interleave' | 'shuffle';

/** How mergeParallel and splitJointSpace tell the languages apart. */
export interface LanguagePrefixes {
  /** Put before every source word (default `src:`). */
  sourcePrefix?: string;
  /** Put before every target word (default `tgt:`). */
  targetPrefix?: string;
}

/** mergeParallel's options. */
export interface ParallelMergeOptions extends LanguagePrefixes {
  /** Default `interleave`. */
  merge?: ParallelMerge;
  /** Seed of the `shuffle` order (default 1). */
  seed?: number;
}

function prefixesOf(o: LanguagePrefixes): [string, string] {
  const s = o.sourcePrefix ?? 'src:';
  const t = o.targetPrefix ?? 'tgt:';
  for (const [name, p] of [['sourcePrefix', s], ['targetPrefix', t]] as const) {
    if (whitespaceTokenizer(p)[0] !== p) throw new InvalidArgumentError(`${name} must be a non-empty string without whitespace, got ${JSON.stringify(p)}`);
  }
  // With one prefix starting the other, a word of one language could read as a word of the other.
  if (s.startsWith(t) || t.startsWith(s)) throw new InvalidArgumentError(`sourcePrefix ${JSON.stringify(s)} and targetPrefix ${JSON.stringify(t)} must not start one another`);
  return [s, t];
}

/**
 * One training sentence per aligned pair of sentences (verses, say): both sides' words, each prefixed with its
 * language so that "no" in English and "no" in Spanish stay two words, merged by position or shuffled. Training
 * any skip-gram (word2vec, fastText) on these sentences predicts words across languages as well as within one,
 * which puts translations near each other: a joint space, split back into two with splitJointSpace.
 * Lines are split on whitespace; an empty side leaves the other side alone on its line.
 * @example
 * ```ts
 * import { mergeParallel } from 'embedkit/apps';
 * const [line] = mergeParallel(['in the beginning'], ['en el principio'], { sourcePrefix: 'en:', targetPrefix: 'es:' });
 * console.log(line); // en:in es:en en:the es:el en:beginning es:principio
 * ```
 */
export function mergeParallel(source: readonly string[], target: readonly string[], options: ParallelMergeOptions = {}): string[] {
  if (source.length !== target.length) throw new InvalidArgumentError(`the two sides must have one line per aligned pair: ${source.length} source lines, ${target.length} target lines`);
  const [sp, tp] = prefixesOf(options);
  const merge = options.merge ?? 'interleave';
  if (merge !== 'interleave' && merge !== 'shuffle') throw new InvalidArgumentError(`merge must be interleave or shuffle, got ${JSON.stringify(merge)}`);
  const random = seededRandom(options.seed ?? 1);
  return source.map((line, n) => {
    const a = whitespaceTokenizer(line).map((w) => sp + w);
    const b = whitespaceTokenizer(target[n]).map((w) => tp + w);
    if (merge === 'shuffle') {
      const all = a.concat(b);
      for (let i = all.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [all[i], all[j]] = [all[j], all[i]];
      }
      return all.join(' ');
    }
    // Merge by relative position: (i + ½)/|a| against (j + ½)/|b|, the source word first on a tie.
    const out: string[] = [];
    let j = 0;
    for (let i = 0; i < a.length; i++) {
      while (j < b.length && (j + 0.5) * a.length < (i + 0.5) * b.length) out.push(b[j++]);
      out.push(a[i]);
    }
    while (j < b.length) out.push(b[j++]);
    return out.join(' ');
  });
}

/** The two halves of a joint space: each language's words without their prefix, in the joint space's order. */
export interface SplitSpaces {
  source: Embeddings;
  target: Embeddings;
  /** Words of the joint space with neither prefix (the sentence end `</s>`, say), left out of both. */
  unprefixed: string[];
}

function pick(joint: Embeddings, rows: number[], words: string[]): Embeddings {
  const vectors = new Float32Array(rows.length * joint.dim);
  rows.forEach((r, i) => vectors.set(joint.row(r), i * joint.dim));
  const counts = rows.map((r) => joint.vocab.count(r));
  return new Embeddings(new Vocabulary(words, counts), vectors, joint.dim);
}

/**
 * Splits a space trained on mergeParallel's sentences into a source space and a target space that share its
 * coordinates: the aligned pair that translate, evaluateBilingual and a cross-lingual collection use, as if
 * alignSpaces had made them. Subword lookups are not carried over (their n-grams include the prefixes).
 * @example
 * ```ts
 * import { Embeddings, Vocabulary } from 'embedkit';
 * import { splitJointSpace } from 'embedkit/apps';
 * const joint = new Embeddings(new Vocabulary(['en:dog', 'es:perro', '</s>']), Float32Array.from([1, 0, 0.9, 0.1, 0, 1]), 2);
 * const { source, target, unprefixed } = splitJointSpace(joint, { sourcePrefix: 'en:', targetPrefix: 'es:' });
 * console.log(source.vocab.words, target.vocab.words, unprefixed); // [ 'dog' ] [ 'perro' ] [ '</s>' ]
 * ```
 */
export function splitJointSpace(joint: Embeddings, options: LanguagePrefixes = {}): SplitSpaces {
  const [sp, tp] = prefixesOf(options);
  const side = { s: { rows: [] as number[], words: [] as string[] }, t: { rows: [] as number[], words: [] as string[] } };
  const unprefixed: string[] = [];
  joint.vocab.words.forEach((w, r) => {
    const into = w.startsWith(sp) ? [side.s, sp.length] as const : w.startsWith(tp) ? [side.t, tp.length] as const : undefined;
    if (!into || w.length === into[1]) return void unprefixed.push(w);
    into[0].rows.push(r);
    into[0].words.push(w.slice(into[1]));
  });
  if (side.s.rows.length === 0 || side.t.rows.length === 0) throw new InvalidArgumentError(`the joint space has no words with the ${side.s.rows.length === 0 ? `sourcePrefix ${JSON.stringify(sp)}` : `targetPrefix ${JSON.stringify(tp)}`}`);
  return { source: pick(joint, side.s.rows, side.s.words), target: pick(joint, side.t.rows, side.t.words), unprefixed };
}
