import type { Command } from 'commander';
import { examples, loadForCli, printJson, printNeighbours, withLoadOptions, type LoadCliOptions } from '../common.ts';
import { positiveInt } from '../flag-values.ts';

interface AnalogyOptions extends LoadCliOptions {
  topn: number;
  cosmul?: boolean;
  restrictVocab?: number;
}

export function registerAnalogy(program: Command): void {
  withLoadOptions(
    program
      .command('analogy')
      .description('a is to b as c is to ?  — the words nearest to b − a + c (3CosAdd, or 3CosMul with --cosmul)')
      .argument('<vectors>', 'vectors file')
      .argument('<a>')
      .argument('<b>')
      .argument('<c>')
      .option('-n, --topn <n>', 'how many answers', positiveInt('--topn'), 5)
      .option('--cosmul', 'rank by 3CosMul (Levy and Goldberg) instead of 3CosAdd')
      .option('--restrict-vocab <n>', 'search only the N most frequent words', positiveInt('--restrict-vocab')),
  )
    .addHelpText('after', examples(['embedkit analogy vectors.bin man king woman        # → queen', 'embedkit analogy vectors.bin france paris italy --cosmul --json']))
    .action(async (path: string, a: string, b: string, c: string, o: AnalogyOptions) => {
      const emb = await loadForCli(path, o);
      const query = { positive: [b, c], negative: [a], topn: o.topn, restrictVocab: o.restrictVocab };
      const answers = o.cosmul ? emb.mostSimilarCosmul(query) : emb.mostSimilar(query);
      if (o.json) return printJson({ a, b, c, method: o.cosmul ? '3cosmul' : '3cosadd', answers });
      printNeighbours(`${a} : ${b} :: ${c} : ?`, answers);
    });
}
