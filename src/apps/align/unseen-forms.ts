import { InvalidArgumentError } from '../../errors.ts';
import type { Embeddings } from '../../vectors/embeddings.ts';

/** A word family (a lemma's inflected forms) with one form kept out of training. */
export interface HeldOutForm {
  /** The form held out: not in the space's vocabulary. */
  heldOut: string;
  /** The family's other forms: a neighbour among them counts as a hit. */
  forms: readonly string[];
}

/** evaluateUnseenForms's options. */
export interface UnseenFormsOptions {
  /** Neighbours looked at (default 10). */
  topn?: number;
  /** Search only the first N words of the space (its most frequent); all when absent. */
  restrictVocab?: number;
}

/** How a space places forms it never saw. Every rate is a fraction of `families`: a form with no vector is a miss. */
export interface UnseenFormsReport {
  families: number;
  /** Held-out forms the space could build a vector for (subword models: all; word2vec: none). */
  covered: number;
  /** Held-out forms whose nearest vocabulary word is another form of their family, as a fraction of `families`. */
  hitAt1: number;
  /** The same within the first `topn` neighbours. */
  hitAtN: number;
  topn: number;
}

/**
 * How often a vector space puts an inflected form it never saw next to its lemma's other forms: for each family, the
 * held-out form's vector (from subwords; a space without a subword model has none, which counts as a miss) is
 * compared with the vocabulary, and a hit is one of the family's other forms among the nearest words. Refuses a
 * held-out form the vocabulary has (it was not held out).
 * @example
 * ```ts
 * import { Embeddings, Vocabulary } from 'embedkit';
 * import { evaluateUnseenForms } from 'embedkit/apps';
 * const space = new Embeddings(new Vocabulary(['hablo', 'comer']), Float32Array.from([1, 0, 0, 1]), 2);
 * space.oov = { vectorFor: (w) => (w.startsWith('habl') ? Float32Array.of(0.9, 0.1) : null) };
 * const r = evaluateUnseenForms(space, [{ heldOut: 'hablamos', forms: ['hablo'] }, { heldOut: 'xyz', forms: ['comer'] }]);
 * console.log(r.covered, r.hitAt1); // 1 0.5
 * ```
 */
export function evaluateUnseenForms(space: Embeddings, families: readonly HeldOutForm[], options: UnseenFormsOptions = {}): UnseenFormsReport {
  const topn = options.topn ?? 10;
  if (!Number.isInteger(topn) || topn < 1) throw new InvalidArgumentError(`topn must be a positive integer, got ${topn}`);
  let covered = 0;
  let at1 = 0;
  let atN = 0;
  for (const { heldOut, forms } of families) {
    if (space.vocab.has(heldOut)) throw new InvalidArgumentError(`held-out form ${JSON.stringify(heldOut)} is in the space's vocabulary: it was seen in training`);
    const vector = space.oov?.vectorFor(heldOut) ?? null;
    if (!vector) continue;
    covered++;
    const family = new Set(forms);
    const near = space.mostSimilar({ positive: [vector], topn, restrictVocab: options.restrictVocab });
    const first = near.findIndex((n) => family.has(n.word));
    if (first === 0) at1++;
    if (first >= 0) atN++;
  }
  const n = Math.max(1, families.length);
  return { families: families.length, covered, hitAt1: at1 / n, hitAtN: atN / n, topn };
}
