import { Option, type Command } from 'commander';
import { alignSpaces, readDictionary, saveMatrix, type AlignOptions } from '../../apps/index.ts';
import { ALIGN_OPTIONS } from '../../apps/align/align-options.ts';
import { noBetterThanChance } from '../../apps/align/chance.ts';
import { EmbedkitError, InvalidArgumentError } from '../../errors.ts';
import { saveEmbeddings, type VectorFormat } from '../../formats/index.ts';
import { examples, FORMATS, loadForCli, printJson, withLoadOptions, type LoadCliOptions } from '../common.ts';
import { addOptionFlags, flagError, optionsFromFlags } from '../option-flags.ts';
import { OptionError } from '../../train/option-schema.ts';
import { outputVectorFormat } from '../output-format.ts';
import { missingSummary } from './eval-bilingual.ts';

interface AlignCliOptions extends LoadCliOptions {
  dict?: string;
  outSrc: string;
  outTgt: string;
  outMatrix?: string;
  to?: VectorFormat;
}

/** `embedkit align SRC TGT --dict PAIRS --out-src A.vec --out-tgt B.vec`: both spaces in one coordinate system. */
export function registerAlign(program: Command): void {
  const cmd = withLoadOptions(
    program
      .command('align')
      .description('map a source vector space onto a target space (cross-lingual alignment) and write both in one coordinate system')
      .argument('<source>', 'source-language vectors file')
      .argument('<target>', 'target-language vectors file')
      .option('--dict <pairs>', 'seed dictionary: "src tgt" or tab-separated lines, or a dictd .index file (not with --method unsupervised)')
      .requiredOption('--out-src <file>', 'where to write the mapped source vectors')
      .requiredOption('--out-tgt <file>', 'where to write the target vectors (normalised as the source)')
      .option('--out-matrix <file>', 'where to write the d×d map (a "d d" line, then one row per line)')
      .addOption(new Option('--to <format>', 'output format (default: from each output extension)').choices(FORMATS)),
  );
  addOptionFlags(cmd, ALIGN_OPTIONS)
    .addHelpText(
      'after',
      examples([
        'embedkit align en.vec es.vec --dict en-es.train.txt --out-src en.aligned.vec --out-tgt es.aligned.vec',
        'embedkit align en.vec es.vec --dict en-es.train.txt --refine 5 --out-src a.vec --out-tgt b.vec --out-matrix W.txt',
        'embedkit align en.vec es.vec --method unsupervised --out-src a.vec --out-tgt b.vec --json',
      ]),
    )
    .action(async (srcPath: string, tgtPath: string, o: AlignCliOptions & Record<string, unknown>) => {
      const [src, tgt] = [await loadForCli(srcPath, o), await loadForCli(tgtPath, o)];
      if (o.dict && o.method === 'unsupervised') throw new InvalidArgumentError('--method unsupervised learns without a dictionary: leave out --dict');
      const dictionary = o.dict ? await readDictionary(o.dict) : undefined;
      const options: AlignOptions = { ...(optionsFromFlags(ALIGN_OPTIONS, o) as AlignOptions), dictionary };
      if (!o.json) options.onRound = (r) => process.stderr.write(`round ${r.round}: ${r.pairs} pairs, objective ${r.objective.toFixed(4)}${r.keepProbability !== undefined ? `, keep ${r.keepProbability}` : ''}\n`);
      const a = await alignSpaces(src, tgt, options).catch((err: unknown) => {
        throw flagError(ALIGN_OPTIONS, err);
      });
      await saveEmbeddings(a.source, o.outSrc, { format: outputVectorFormat(o.outSrc, o.to) });
      await saveEmbeddings(a.target, o.outTgt, { format: outputVectorFormat(o.outTgt, o.to) });
      if (o.outMatrix) await saveMatrix(o.outMatrix, a.matrix, a.source.dim);
      const last = a.rounds.at(-1)!;
      // Warnings name library options; the command line names their flags.
      const warnings = a.warnings.map((w) => (w.option ? (flagError(ALIGN_OPTIONS, new OptionError(w.option, w.message)) as Error).message : w.message));
      if (o.json) {
        printJson({ method: a.options.method, normalize: a.options.normalize, dim: a.source.dim, seed: a.seed, rounds: a.rounds, converged: a.converged, chance: a.chance, warnings, outputs: { source: o.outSrc, target: o.outTgt, matrix: o.outMatrix } });
      } else {
        if (a.seed) {
          process.stderr.write(`seed dictionary: ${a.seed.srcRows.length} pairs found of ${a.seed.given}${a.seed.identical ? `, ${a.seed.identical} identical words added` : ''}\n`);
          if (a.seed.missingPairs) process.stderr.write(`${missingSummary(a.seed)}\n`);
        }
        process.stderr.write(`wrote ${o.outSrc} (${a.source.size} words) and ${o.outTgt} (${a.target.size} words)${o.outMatrix ? ` and the map to ${o.outMatrix}` : ''}\n`);
      }
      for (const w of warnings) process.stderr.write(`embedkit: warning: ${w}\n`);
      // An alignment that did not converge is written (it may still help) but not reported as a success.
      if (!a.converged) throw new EmbedkitError('not_converged', `the alignment did not converge (final objective ${last.objective.toFixed(4)}); the files were written, check them before use`);
      // Nor is one that settled on a map no better than chance (the warning above gives both levels).
      if (a.chance && noBetterThanChance(a.chance)) throw new EmbedkitError('no_better_than_chance', `the alignment is no better than chance (final objective ${a.chance.objective.toFixed(4)}, chance ${a.chance.chanceObjective.toFixed(4)}); the files were written, check them before use`);
    });
}
