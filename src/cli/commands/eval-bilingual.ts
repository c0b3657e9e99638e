import type { Command } from 'commander';
import { evaluateBilingual, readDictionary, type BilingualEvalOptions } from '../../apps/index.ts';
import { RETRIEVAL_OPTIONS } from '../../apps/align/retrieval-options.ts';
import { examples, loadForCli, printJson, withLoadOptions, type LoadCliOptions } from '../common.ts';
import { addOptionFlags, flagError, optionsFromFlags } from '../option-flags.ts';

/** One line saying what a dictionary lacked in the spaces, with a few examples. */
export function missingSummary(r: { missingPairs: number; missingSource: string[]; missingTarget: string[] }): string {
  const few = (words: string[]) => (words.length ? ` (${words.slice(0, 5).join(', ')}${words.length > 5 ? ', …' : ''})` : '');
  return `${r.missingPairs} pairs left out: ${r.missingSource.length} source words${few(r.missingSource)} and ${r.missingTarget.length} target words${few(r.missingTarget)} not in the spaces`;
}

/** `embedkit eval-bilingual A B --dict TEST`: word-translation precision@1/5/10 (MUSE's protocol), NN and CSLS. */
export function registerEvalBilingual(program: Command): void {
  const cmd = withLoadOptions(
    program
      .command('eval-bilingual')
      .description('word-translation precision@1/5/10 of two aligned spaces on a test dictionary (any listed translation counts), by NN and CSLS')
      .argument('<source>', 'aligned source vectors')
      .argument('<target>', 'aligned target vectors')
      .requiredOption('--dict <pairs>', 'test dictionary: "src tgt" or tab-separated lines, or a dictd .index file'),
  );
  addOptionFlags(cmd, RETRIEVAL_OPTIONS, ['csls', 'topn'])
    .addHelpText('after', examples(['embedkit eval-bilingual en.aligned.vec es.aligned.vec --dict en-es.test.txt', 'embedkit eval-bilingual en.aligned.vec es.aligned.vec --dict en-es.test.txt --restrict-vocab 20000 --json']))
    .action(async (srcPath: string, tgtPath: string, o: LoadCliOptions & Record<string, unknown> & { dict: string }) => {
      const [src, tgt] = [await loadForCli(srcPath, o), await loadForCli(tgtPath, o)];
      const pairs = await readDictionary(o.dict);
      const given = optionsFromFlags(RETRIEVAL_OPTIONS, o, ['csls', 'topn']) as BilingualEvalOptions;
      let results;
      try {
        results = [false, true].map((csls) => evaluateBilingual(src, tgt, pairs, { ...given, csls }));
      } catch (err) {
        throw flagError(RETRIEVAL_OPTIONS, err);
      }
      if (o.json) return printJson(results);
      const r0 = results[0];
      process.stdout.write(`${r0.queries} source words evaluated (${r0.pairs} pairs in ${o.dict})\n`);
      if (r0.missingPairs) process.stdout.write(`${missingSummary(r0)}\n`);
      process.stdout.write('retrieval   P@1     P@5     P@10\n');
      for (const r of results) process.stdout.write(`${r.retrieval.padEnd(9)} ${[1, 5, 10].map((k) => (100 * r.precision[k]).toFixed(2).padStart(6)).join('  ')}\n`);
    });
}
