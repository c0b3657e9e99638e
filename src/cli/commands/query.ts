import type { Command } from 'commander';
import { InvalidArgumentError } from '../../errors.ts';
import { parseExpression } from '../../vectors/expression.ts';
import { examples, loadForCli, printJson, printNeighbours, withLoadOptions, type LoadCliOptions } from '../common.ts';
import { positiveInt } from '../flag-values.ts';

interface QueryOptions extends LoadCliOptions {
  topn: number;
  cosmul?: boolean;
  restrictVocab?: number;
}

export function registerQuery(program: Command): void {
  withLoadOptions(
    program
      .command('query')
      .description('nearest words to a vector expression such as "king - man + woman" (weights as 0.5*word)')
      .argument('<vectors>', 'vectors file')
      .argument('<expression...>', 'words joined by + and -; quote it or pass it as separate words')
      .option('-n, --topn <n>', 'how many neighbours', positiveInt('--topn'), 10)
      .option('--cosmul', 'rank by 3CosMul instead of the cosine to the summed vector (unweighted terms only)')
      .option('--restrict-vocab <n>', 'search only the N most frequent words', positiveInt('--restrict-vocab')),
  )
    .addHelpText('after', examples(['embedkit query vectors.bin "king - man + woman"', 'embedkit query vectors.bin "paris - france + 0.5*italy" --topn 3 --json']))
    .action(async (path: string, parts: string[], o: QueryOptions) => {
      const expression = parts.join(' ');
      const { positive, negative } = parseExpression(expression);
      if (o.cosmul) refuseWeights([...positive, ...negative]);
      const emb = await loadForCli(path, o);
      const neighbours = o.cosmul
        ? emb.mostSimilarCosmul({ positive: positive.map(([w]) => w), negative: negative.map(([w]) => w), topn: o.topn, restrictVocab: o.restrictVocab })
        : emb.mostSimilar({ positive, negative, topn: o.topn, restrictVocab: o.restrictVocab });
      if (o.json) return printJson({ expression, positive, negative, neighbours });
      printNeighbours(`${expression} ≈`, neighbours);
    });
}

/** 3CosMul multiplies similarities, so a weight has no meaning there: refuse it rather than drop it. */
function refuseWeights(terms: [string, number][]): void {
  const weighted = terms.filter(([, w]) => Math.abs(w) !== 1).map(([word, w]) => `${Math.abs(w)}*${word}`);
  if (weighted.length > 0) {
    throw new InvalidArgumentError(`--cosmul takes no weights (3CosMul multiplies similarities): ${weighted.join(', ')}; drop the weight or --cosmul`);
  }
}
