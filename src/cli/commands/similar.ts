import type { Command } from 'commander';
import { EmbedkitError, UnknownWordError } from '../../errors.ts';
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
      // A word the vectors do not know does not hide the answers for the others: they are printed, the unknown ones
      // are named at the end, and the exit status is 1 so that scripts notice.
      const results = words.map((word) => {
        try {
          return { word, neighbours: emb.mostSimilar({ positive: [word], topn: o.topn, restrictVocab: o.restrictVocab }) };
        } catch (err) {
          if (!(err instanceof UnknownWordError)) throw err;
          return { word, error: { code: err.code, message: err.message } };
        }
      });
      // One shape whatever the number of words: an array with one entry per query word.
      if (o.json) printJson(results);
      else {
        results
          .filter((r) => r.neighbours)
          .forEach((r, i) => {
            if (i > 0) process.stdout.write('\n');
            printNeighbours(`nearest to ${r.word}:`, r.neighbours!);
          });
      }
      const unknown = results.filter((r) => r.error).map((r) => r.word);
      if (unknown.length === 1) throw new UnknownWordError(unknown[0]);
      if (unknown.length > 1) {
        const quoted = unknown.map((w) => JSON.stringify(w));
        throw new EmbedkitError('unknown_word', `words ${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)} are not in the vocabulary`);
      }
    });
}
