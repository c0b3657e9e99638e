import type { Command } from 'commander';
import { logisticSchema, type LogisticSettings } from '../../apps/classify/logistic-options.ts';
import type { OpenEncoderOptions } from '../../encoders/open-encoder.ts';
import { resolveOptions } from '../../train/option-schema.ts';
import { examples, printJson } from '../common.ts';
import { positiveInt } from '../flag-values.ts';
import { addOptionFlags, flagError, optionsFromFlags } from '../option-flags.ts';
import { remoteApiKey } from '../remote-key.ts';

/** Flags of `train classifier` beyond the schema's. */
interface TrainClassifierFlags extends Record<string, unknown> {
  model: string;
  output: string;
  pooling?: OpenEncoderOptions['pooling'];
  threads?: number;
  quiet?: boolean;
  json?: boolean;
}

/** The encoder options the classifier commands share: pooling, threads, the remote key from the environment. */
export function classifierEncoderOptions(flags: { pooling?: OpenEncoderOptions['pooling']; threads?: number }): OpenEncoderOptions {
  return { pooling: flags.pooling, apiKey: remoteApiKey(), transformer: { threads: flags.threads }, load: { onWarning: (m) => process.stderr.write(`embedkit: warning: ${m}\n`) } };
}

/** Adds `classifier` to the `train` command: logistic regression on any encoder's vectors. */
export function registerTrainClassifier(train: Command): void {
  const cmd = train
    .command('classifier')
    .description('train a logistic-regression text classifier on the vectors of any model (word vectors with SIF or mean pooling, a transformer, an embeddings API); `predict` and `test` take the file it writes')
    .argument('<data>', 'labelled examples: fastText lines (__label__X text) or JSON lines ({"text": ..., "label": ...}); .gz ok')
    .requiredOption('--model <spec>', 'encoder: vectors file, transformer model directory, hf:ORG/NAME, or http(s)://host/v1#model')
    .requiredOption('--output <file>', 'where to write the classifier (a JSON header and float32 weights in one file)')
    .option('--pooling <name>', 'how the model pools a text: mean or sif for vectors files; mean, cls or last-token for transformers')
    .option('--threads <n>', 'ONNX Runtime threads (transformer models)', positiveInt('--threads'));
  addOptionFlags(cmd, logisticSchema)
    .option('--quiet', 'print nothing on success')
    .option('--json', 'print a JSON summary')
    .addHelpText(
      'after',
      examples([
        'embedkit train classifier train.txt --model vectors.bin --pooling sif --output topic.eklr',
        'embedkit train classifier train.jsonl --model models/minilm --class-weight balanced -C 10 --output intent.eklr',
        'embedkit train classifier train.txt --model vectors.bin --pooling sif --solver sgd --output topic.eklr',
        'embedkit predict topic.eklr test.txt -k 2 --prob',
        'embedkit test topic.eklr test.txt',
      ]),
    )
    .action(async (data: string, flags: TrainClassifierFlags) => {
      let settings;
      try {
        settings = resolveOptions(logisticSchema, optionsFromFlags(logisticSchema, flags) as LogisticSettings);
      } catch (err) {
        throw flagError(logisticSchema, err);
      }
      const started = performance.now();
      const [{ openEncoder }, { LogisticClassifier }] = await Promise.all([import('../../encoders/open-encoder.ts'), import('../../apps/classify/logistic-classifier.ts')]);
      const encoder = await openEncoder(flags.model, classifierEncoderOptions(flags));
      try {
        const { classifier, stats } = await LogisticClassifier.train(data, encoder, {
          ...settings,
          classWeight: settings.classWeight === 'none' ? undefined : settings.classWeight,
          encoderSpec: { spec: flags.model, pooling: flags.pooling },
        });
        await classifier.save(flags.output);
        const seconds = (performance.now() - started) / 1000;
        const t = classifier.header.training;
        if (!t.converged) process.stderr.write(`embedkit: warning: ${t.solver === 'sgd' ? `SGD stopped after ${t.iterations} epochs` : `L-BFGS stopped after ${t.iterations} iterations`} without converging (raise --max-iterations)\n`);
        if (flags.json) return printJson({ output: flags.output, labels: classifier.labels, dim: classifier.header.dim, ...stats, iterations: t.iterations, converged: t.converged, loss: t.loss, seconds });
        if (flags.quiet) return;
        const left = [stats.unlabelled ? `${stats.unlabelled} without a label` : '', stats.noVector ? `${stats.noVector} without a vector (no known word)` : ''].filter(Boolean);
        process.stdout.write(`wrote a classifier of ${classifier.labels.length} labels on ${encoder.id} (dimension ${classifier.header.dim}, ${stats.examples} examples, ${t.iterations} ${t.solver === 'sgd' ? 'epochs' : 'iterations'}) to ${flags.output} in ${seconds.toFixed(1)} s${left.length ? `; left out ${left.join(', ')}` : ''}\n`);
      } finally {
        await encoder.dispose?.();
      }
    });
}
