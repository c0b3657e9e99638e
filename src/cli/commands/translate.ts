import type { Command } from 'commander';
import { translate, type TranslateOptions } from '../../apps/index.ts';
import { RETRIEVAL_OPTIONS } from '../../apps/align/retrieval-options.ts';
import { EmbedkitError, UnknownWordError } from '../../errors.ts';
import { examples, loadForCli, printJson, printNeighbours, withLoadOptions, type LoadCliOptions } from '../common.ts';
import { addOptionFlags, flagError, optionsFromFlags } from '../option-flags.ts';

/** `embedkit translate A B word...`: nearest target words of source words in two aligned spaces. */
export function registerTranslate(program: Command): void {
  const cmd = withLoadOptions(
    program
      .command('translate')
      .description('translate words by nearest neighbour (or CSLS) between two aligned spaces (made by embedkit align)')
      .argument('<source>', 'aligned source vectors')
      .argument('<target>', 'aligned target vectors')
      .argument('<words...>', 'source words to translate'),
  );
  addOptionFlags(cmd, RETRIEVAL_OPTIONS)
    .addHelpText('after', examples(['embedkit translate en.aligned.vec es.aligned.vec water king --csls', 'embedkit translate en.aligned.vec es.aligned.vec house --topn 10 --json']))
    .action(async (srcPath: string, tgtPath: string, words: string[], o: LoadCliOptions & Record<string, unknown>) => {
      const [src, tgt] = [await loadForCli(srcPath, o), await loadForCli(tgtPath, o)];
      let results;
      try {
        results = translate(src, tgt, words, optionsFromFlags(RETRIEVAL_OPTIONS, o) as TranslateOptions);
      } catch (err) {
        throw flagError(RETRIEVAL_OPTIONS, err);
      }
      if (o.json) printJson(results);
      else {
        results
          .filter((r) => r.translations)
          .forEach((r, i) => {
            if (i > 0) process.stdout.write('\n');
            printNeighbours(`translations of ${r.word}:`, r.translations!);
          });
      }
      // Unknown words do not hide the others' translations, but the exit status says that some were missing.
      const unknown = results.filter((r) => !r.translations).map((r) => r.word);
      if (unknown.length === 1) throw new UnknownWordError(unknown[0]);
      if (unknown.length > 1) throw new EmbedkitError('unknown_word', `words ${unknown.map((w) => JSON.stringify(w)).join(', ')} are not in the source vocabulary`);
    });
}
