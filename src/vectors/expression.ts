import { InvalidArgumentError } from '../errors.ts';

/**
 * Parses vector arithmetic such as "king - man + woman" or "0.5*paris + berlin - germany" into weighted terms
 * for Embeddings.mostSimilar. A term without an operator before it is positive.
 */
export interface ParsedExpression {
  /** Words added, with their weights. */
  positive: [string, number][];
  /** Words after a minus sign, with their weights negated (`- 0.5*man` gives [man, -0.5]). */
  negative: [string, number][];
}

/**
 * Parses vector arithmetic such as "king - man + woman" (weights as `0.5*word`) into the positive and negative terms `Embeddings.mostSimilar` takes.
 * @example
 * ```ts
 * import { loadEmbeddings, parseExpression } from 'embedkit';
 * const vectors = await loadEmbeddings('vectors.bin');
 * const { positive, negative } = parseExpression('king - man + 0.5*woman');
 * console.log(vectors.mostSimilar({ positive, negative, topn: 3 }));
 * ```
 */
export function parseExpression(text: string): ParsedExpression {
  const tokens = text.match(/[+-]|[^\s+-]+/gu) ?? [];
  const out: ParsedExpression = { positive: [], negative: [] };
  let sign = 1;
  let expectTerm = true;
  for (const tok of tokens) {
    if (tok === '+' || tok === '-') {
      if (!expectTerm) {
        sign = tok === '+' ? 1 : -1;
        expectTerm = true;
      } else if (tok === '-') {
        sign = -sign;
      }
      continue;
    }
    if (!expectTerm) throw new InvalidArgumentError(`expected + or - before ${JSON.stringify(tok)} in ${JSON.stringify(text)}`);
    const m = /^(\d+(?:\.\d+)?|\.\d+)\*(.+)$/u.exec(tok);
    const weight = m ? Number(m[1]) : 1;
    const word = m ? m[2] : tok;
    (sign > 0 ? out.positive : out.negative).push([word, sign * weight]);
    sign = 1;
    expectTerm = false;
  }
  if (expectTerm && tokens.length > 0) throw new InvalidArgumentError(`expression ${JSON.stringify(text)} ends with an operator`);
  if (out.positive.length + out.negative.length === 0) throw new InvalidArgumentError('empty expression: give words joined by + and -, e.g. "king - man + woman"');
  return out;
}
