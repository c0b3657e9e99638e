import { Option, type Command } from 'commander';
import type { JointSpaceOptions, ParallelMerge } from '../../apps/index.ts';
import { InvalidArgumentError } from '../../errors.ts';
import type { VectorFormat } from '../../formats/index.ts';
import { fastTextSchema } from '../../train/fasttext-options.ts';
import type { OptionDefs } from '../../train/option-schema.ts';
import { word2vecSchema } from '../../train/word2vec-options.ts';
import { examples, FORMATS } from '../common.ts';
import { addOptionFlags, flagOf, optionsFromFlags } from '../option-flags.ts';
import { outputVectorFormat } from '../output-format.ts';
import { addRunFlags, passSummary, runTrainingCommand, type RunFlags } from '../training-run.ts';

type Trainer = 'word2vec' | 'fasttext';

interface TrainJointFlags extends RunFlags {
  outSrc: string;
  outTgt: string;
  merge: ParallelMerge;
  trainer: Trainer;
  seed?: number;
  to?: VectorFormat;
}

/**
 * Options no joint run takes: the architecture is skip-gram unless --cbow (or fastText's --model) says otherwise, there
 * is no checkpoint, and the words are the merge's (split on whitespace and prefixed by language), which another
 * tokenizer would split again (at the prefix's colon, or by jieba on Chinese text).
 */
const SKIP = ['skipgram', 'checkpointInterval', 'tokenizer'];

/** Both trainers' settings as one set of flags: the options they share once (same flag, same aliases), then each one's own. */
const FLAGS: OptionDefs = { ...fastTextSchema, ...word2vecSchema };

/** Each trainer's schema, and the flags only the other trainer reads (refused rather than silently ignored). */
function schemaOf(trainer: Trainer): { schema: OptionDefs; foreign: string[] } {
  const [schema, other] = trainer === 'fasttext' ? [fastTextSchema, word2vecSchema] : [word2vecSchema, fastTextSchema];
  return { schema, foreign: Object.keys(other).filter((name) => !(name in schema) && !SKIP.includes(name)) };
}

/** The library options the flags give: the chosen trainer's settings, the merge, and --seed for both the shuffle and the trainer. */
export function jointOptionsFromFlags(f: TrainJointFlags): JointSpaceOptions {
  const { schema, foreign } = schemaOf(f.trainer);
  const given = Object.keys(optionsFromFlags(FLAGS, f, SKIP)).filter((name) => foreign.includes(name));
  if (given.length) throw new InvalidArgumentError(`${given.map((n) => `--${flagOf(FLAGS, n)}`).join(', ')} ${given.length > 1 ? 'are settings' : 'is a setting'} of the other trainer: not with --trainer ${f.trainer}`);
  const { seed, ...training } = optionsFromFlags(schema, f, SKIP) as Record<string, unknown> & { seed?: number };
  return { merge: f.merge, seed, trainer: f.trainer, training: { ...training, tokenizer: 'whitespace' } } as JointSpaceOptions;
}

/** Adds `joint` to the `train` command: one vector space for two languages from sentence-aligned text. */
export function registerTrainJoint(train: Command): void {
  const cmd = train
    .command('joint')
    .description('train one vector space for two languages from sentence-aligned text (line i of SOURCE translates line i of TARGET), written as two aligned spaces')
    .argument('<source>', 'source-language text (.gz ok), one sentence per line')
    .argument('<target>', 'target-language text, the same number of lines, each the translation of the source line')
    .requiredOption('--out-src <file>', 'where to write the source-language vectors')
    .requiredOption('--out-tgt <file>', 'where to write the target-language vectors')
    .addOption(new Option('--merge <how>', 'how a pair becomes one training sentence: interleave (by relative position, as BiSkip) or shuffle').choices(['interleave', 'shuffle']).default('interleave'))
    .addOption(new Option('--trainer <name>', "skip-gram of word2vec or fastText (the defaults shown are word2vec's; fastText's own apply with --trainer fasttext)").choices(['word2vec', 'fasttext']).default('word2vec'))
    .addOption(new Option('--to <format>', 'output format (default: from each output extension)').choices(FORMATS));
  addOptionFlags(cmd, FLAGS, SKIP);
  addRunFlags(cmd)
    .addHelpText(
      'after',
      examples([
        'embedkit train joint en.txt es.txt --out-src en.joint.vec --out-tgt es.joint.vec',
        'embedkit train joint en.txt es.txt --out-src a.vec --out-tgt b.vec --merge shuffle --trainer fasttext --dim 100 --epochs 10',
        'embedkit translate en.joint.vec es.joint.vec water --csls',
      ]),
    )
    .action(async (srcPath: string, tgtPath: string, flags: TrainJointFlags) => {
      const options = jointOptionsFromFlags(flags);
      const [{ readLines }, { trainJointSpace }, { saveEmbeddings }] = await Promise.all([import('../../apps/classify/labelled-texts.ts'), import('../../apps/align/joint-space.ts'), import('../../formats/index.ts')]);
      const [source, target] = [await readLines(srcPath), await readLines(tgtPath)];
      if (source.length !== target.length) throw new InvalidArgumentError(`the two texts must be line-aligned: ${srcPath} has ${source.length} lines, ${tgtPath} has ${target.length}`);
      const formats = [outputVectorFormat(flags.outSrc, flags.to), outputVectorFormat(flags.outTgt, flags.to)];
      await runTrainingCommand(
        flags,
        async (signal, onProgress) => {
          const joint = await trainJointSpace(source, target, { ...options, training: { ...options.training, signal, onProgress } } as JointSpaceOptions);
          await saveEmbeddings(joint.source, flags.outSrc, { format: formats[0] });
          await saveEmbeddings(joint.target, flags.outTgt, { format: formats[1] });
          return joint;
        },
        (joint, seconds, last) => ({
          json: { outputs: { source: flags.outSrc, target: flags.outTgt }, pairs: source.length, merge: flags.merge, trainer: flags.trainer, sourceWords: joint.source.size, targetWords: joint.target.size, dim: joint.source.dim, ...passSummary(seconds, last) },
          line: `wrote ${flags.outSrc} (${joint.source.size} words) and ${flags.outTgt} (${joint.target.size} words), dimension ${joint.source.dim}, from ${source.length} aligned pairs in ${seconds.toFixed(1)} s`,
        }),
        schemaOf(flags.trainer).schema,
      );
    });
}
