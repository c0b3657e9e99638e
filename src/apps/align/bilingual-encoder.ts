import { InvalidArgumentError } from '../../errors.ts';
import type { EncodeOptions, EncodeResult, Encoder } from '../../encoders/encoder.ts';
import { NoKnownWordError, StaticEncoder, type StaticEncoderOptions } from '../../encoders/static.ts';
import type { Embeddings } from '../../vectors/embeddings.ts';

/** Which of the two aligned spaces encodes a text. */
export type Side = 'source' | 'target';

/** BilingualEncoder's options: the StaticEncoder options both sides share, and an id. */
export interface BilingualEncoderOptions extends Omit<StaticEncoderOptions, 'id' | 'commonComponent'> {
  /** Shown as the encoder id (default "bilingual"). */
  id?: string;
}

/**
 * One encoder for texts of two languages whose word spaces share coordinates (alignSpaces' output, or
 * splitJointSpace's): each text is pooled by the static encoder of the space that knows more of its words (the
 * source space on a tie), so Spanish queries and English documents land in one space and a collection built with this
 * encoder answers a query in one language with documents in the other. `languageOf` says which side a text went to.
 * @example
 * ```ts
 * import { Embeddings, Vocabulary } from 'embedkit';
 * import { BilingualEncoder } from 'embedkit/apps';
 * const en = new Embeddings(new Vocabulary(['dog', 'cat']), Float32Array.from([1, 0, 0, 1]), 2);
 * const es = new Embeddings(new Vocabulary(['perro', 'gato']), Float32Array.from([1, 0.1, 0.1, 1]), 2);
 * const encoder = new BilingualEncoder(en, es);
 * const { vectors } = await encoder.encode(['the dog', 'el perro']);
 * console.log(encoder.languageOf('el perro'), vectors[0][0] > 0.9 && vectors[1][0] > 0.9); // target true
 * ```
 */
export class BilingualEncoder implements Encoder {
  readonly id: string;
  readonly dim: number;
  readonly maxTokens: number;
  private readonly sides: Record<Side, StaticEncoder>;

  constructor(source: Embeddings, target: Embeddings, options: BilingualEncoderOptions = {}) {
    if (source.dim !== target.dim) throw new InvalidArgumentError(`the source space has ${source.dim} dimensions and the target space ${target.dim}: aligned spaces share one dimension`);
    const { id, ...shared } = options;
    this.id = id ?? 'bilingual';
    this.sides = { source: new StaticEncoder(source, shared), target: new StaticEncoder(target, shared) };
    this.dim = source.dim;
    this.maxTokens = this.sides.source.maxTokens;
  }

  /** The side whose vocabulary holds more of the text's words (as spelt, or lower-cased); source on a tie. */
  languageOf(text: string): Side {
    return this.classify(text).side;
  }

  private classify(text: string): { side: Side; tokens: number } {
    const known = (side: Side) => {
      const { embeddings: e } = this.sides[side];
      const words = this.sides[side].tokens(text);
      return { words: words.length, known: words.reduce((n, w) => n + (e.vocab.has(w) || e.vocab.has(w.toLowerCase()) ? 1 : 0), 0) };
    };
    const [s, t] = [known('source'), known('target')];
    return t.known > s.known ? { side: 'target', tokens: t.words } : { side: 'source', tokens: s.words };
  }

  /** Encodes every text with one side's encoder, skipping the language check. */
  encodeAs(side: Side, texts: readonly string[], options?: EncodeOptions): Promise<EncodeResult> {
    return this.sides[side].encode(texts, options);
  }

  /** Encodes each text with the side languageOf picks; `onTokens` hears every count once, before any pooling. */
  async encode(texts: readonly string[], options: EncodeOptions = {}): Promise<EncodeResult> {
    const groups: Record<Side, number[]> = { source: [], target: [] };
    const tokens = texts.map((t, i) => {
      const c = this.classify(t);
      groups[c.side].push(i);
      return c.tokens;
    });
    options.onTokens?.(tokens);
    const vectors = new Array<Float32Array>(texts.length);
    for (const side of ['source', 'target'] as const) {
      const at = groups[side];
      if (at.length === 0) continue;
      const part = await this.sides[side].encode(at.map((i) => texts[i]), { signal: options.signal }).catch((err: unknown) => {
        // The error names the text by its place in this call, not in the side's group.
        throw err instanceof NoKnownWordError ? new NoKnownWordError(at[err.index], texts[at[err.index]]) : err;
      });
      part.vectors.forEach((v, j) => (vectors[at[j]] = v));
    }
    return { vectors, tokens };
  }
}
