import type { Command } from 'commander';
import { examples, loadForCli, printJson, printNeighbours, withLoadOptions, type LoadCliOptions } from '../common.ts';
import { positiveInt } from '../flag-values.ts';

interface SimilarOptions extends LoadCliOptions {
  topn: number;
  restrictVocab?: number;
}

export function registerSimilar(program: Command): void {
  withLoadOptions(
    program
      .command('similar')
      .description('nearest neighbours of each word by cosine similarity (--json: an array, one entry per word)')
      .argument('<vectors>', 'vectors file')
      .argument('<words...>', 'one or more query words')
      .option('-n, --topn <n>', 'how many neighbours', positiveInt('--topn'), 10)
      .option('--restrict-vocab <n>', 'search only the N most frequent words', positiveInt('--restrict-vocab')),
  )
    .addHelpText('after', examples(['embedkit similar vectors.bin king queen', 'embedkit similar vectors.bin paris --topn 5 --json']))
    .action(async (path: string, words: string[], o: SimilarOptions) => {
      const emb = await loadForCli(path, o);
      const results = words.map((word) => ({ word, neighbours: emb.mostSimilar({ positive: [word], topn: o.topn, restrictVocab: o.restrictVocab }) }));
      // One shape whatever the number of words: an array with one entry per query word.
      if (o.json) return printJson(results);
      results.forEach((r, i) => {
        if (i > 0) process.stdout.write('\n');
        printNeighbours(`nearest to ${r.word}:`, r.neighbours);
      });
    });
}
