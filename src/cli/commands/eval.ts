import { Option, type Command } from 'commander';
import { InvalidArgumentError } from '../../errors.ts';
import { evaluateAnalogies, evaluateWordPairs } from '../../eval/index.ts';
import { examples, loadForCli, printJson, withLoadOptions, type LoadCliOptions } from '../common.ts';
import { positiveInt } from '../flag-values.ts';

interface EvalOptions extends LoadCliOptions {
  analogies?: string;
  pairs?: string;
  restrictVocab: number;
  method: '3cosadd' | '3cosmul';
  caseSensitive?: boolean;
  dummy4unknown?: boolean;
}

export function registerEval(program: Command): void {
  withLoadOptions(
    program
      .command('eval')
      .description('evaluate vectors on word analogies (questions-words format) and word-pair similarity (WordSim-353 style)')
      .argument('<vectors>', 'vectors file')
      .option('--analogies <file>', 'analogy questions, ": section" lines then "a b c d" lines')
      .option('--pairs <file>', 'word pairs with a human score, tab separated, "#" comments')
      .option('--restrict-vocab <n>', 'only the N most frequent words take part', positiveInt('--restrict-vocab'), 300000)
      .addOption(new Option('--method <m>', 'analogy objective').choices(['3cosadd', '3cosmul']).default('3cosadd'))
      .option('--case-sensitive', 'compare words as written (default: case-insensitive, as gensim)')
      .option('--dummy4unknown', 'count questions/pairs with unknown words (as wrong / similarity 0) instead of skipping them'),
  )
    .addHelpText('after', examples(['embedkit eval vectors.bin --analogies questions-words.txt --pairs wordsim353.tsv', 'embedkit eval vectors.bin --analogies questions-words.txt --restrict-vocab 30000 --method 3cosmul --json']))
    .action(async (path: string, o: EvalOptions) => {
      if (!o.analogies && !o.pairs) throw new InvalidArgumentError('give --analogies FILE and/or --pairs FILE');
      const emb = await loadForCli(path, o);
      const common = { restrictVocab: o.restrictVocab, caseInsensitive: !o.caseSensitive, dummy4unknown: Boolean(o.dummy4unknown) };
      const analogies = o.analogies ? await evaluateAnalogies(emb, o.analogies, { ...common, method: o.method }) : undefined;
      const pairs = o.pairs ? await evaluateWordPairs(emb, o.pairs, common) : undefined;
      if (o.json) return printJson({ vectors: path, analogies, pairs });
      const out: string[] = [];
      if (analogies) {
        out.push(`analogies (${o.method}, restrict_vocab ${o.restrictVocab}): ${(analogies.score * 100).toFixed(2)}%  ` + `(${analogies.oov} of ${analogies.total} questions out of vocabulary, ${(analogies.oovRatio * 100).toFixed(1)}%)`);
        const w = Math.max(7, ...analogies.sections.map((s) => s.section.length));
        out.push(`  ${'section'.padEnd(w)}  correct  incorrect  accuracy`);
        for (const s of analogies.sections) {
          out.push(`  ${s.section.padEnd(w)}  ${String(s.correct).padStart(7)}  ${String(s.incorrect).padStart(9)}  ${(s.accuracy * 100).toFixed(2).padStart(7)}%`);
        }
      }
      if (pairs) {
        out.push(
          `word pairs: Spearman ${pairs.spearman.rho.toFixed(4)} (p ${pairs.spearman.pValue.toExponential(2)}), ` +
            `Pearson ${pairs.pearson.r.toFixed(4)} (p ${pairs.pearson.pValue.toExponential(2)}), ${pairs.pairs} pairs scored, ${pairs.oov} with unknown words (OOV ${(pairs.oovRatio * 100).toFixed(2)}%)`,
        );
      }
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
