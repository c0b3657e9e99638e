import { existsSync, rmSync } from 'node:fs';
import type { Command } from 'commander';
import { loadEmbeddings } from '../../formats/index.ts';
import { DEFAULT_MODEL_CACHE, ensureDefaultModel } from '../default-model.ts';
import { stderrProgress } from '../../train/progress.ts';
import { interruptSignal, releaseInterruptSignal } from '../interrupt.ts';
import { examples } from '../common.ts';
import { positiveInt } from '../flag-values.ts';
import { hubDownloads } from '../hub-progress.ts';
import { remoteApiKey } from '../remote-key.ts';
import { serveWithFlags, withServeOptions, type ServeFlags } from './serve.ts';

interface StartFlags extends ServeFlags {
  model?: string[];
  skipgram?: boolean;
  threads?: number;
  retrain?: boolean;
}

/**
 * `embedkit start` (what `npm start` runs): the explorer and API on a model that is ready to use. The model is
 * --model or $EMBEDKIT_MODEL; otherwise one is trained on the shipped sample corpus the first time (about half a
 * minute on two cores) and cached in .cache/ for every later start.
 */
export function registerStart(program: Command): void {
  withServeOptions(
    program
      .command('start')
      .description('serve the explorer and API on a default model (trains and caches one from the sample corpus if none is given)')
      .option('--model <spec>', 'model to serve, as name=path or a path (repeatable; default $EMBEDKIT_MODEL)', (v: string, prev: string[] = []) => [...prev, v])
      .option('--skipgram', 'train the default model with skip-gram instead of CBOW (slower)')
      .option('--threads <n>', 'training threads (default: all cores)', positiveInt('--threads'))
      .option('--retrain', `train the default model again even if ${DEFAULT_MODEL_CACHE} exists`),
  )
    .addHelpText('after', examples(['npm start', 'embedkit start --port 3000', 'EMBEDKIT_MODEL=vectors.bin embedkit start', 'embedkit start --model en=wiki.en.vec --model zh=zh.vec']))
    .action(async (flags: StartFlags) => {
      const specs = flags.model ?? (process.env.EMBEDKIT_MODEL ? process.env.EMBEDKIT_MODEL.split(',').filter((s) => s.trim() !== '') : []);
      const encoder = { tokenizer: flags.tokenizer, pooling: flags.pooling };
      const { loadServedModels, staticModel } = await import('../../serve/models.ts');
      if (specs.length > 0) {
        const downloads = hubDownloads(flags);
        const models = await loadServedModels(specs, encoder, { limit: flags.limit }, {}, { apiKey: remoteApiKey() }, downloads.options).finally(() => downloads.close());
        await serveWithFlags(models, flags, { nextFreePort: true });
        return;
      }
      if (flags.retrain) rmSync(DEFAULT_MODEL_CACHE, { force: true });
      if (!existsSync(DEFAULT_MODEL_CACHE)) process.stderr.write('embedkit: no model configured (--model or EMBEDKIT_MODEL): training one on the sample corpus, once; it is cached for next time\n');
      const started = performance.now();
      const progress = stderrProgress();
      let model;
      try {
        // Ctrl-C stops training cleanly (nothing half-written is cached); once serving, it exits at once.
        model = await ensureDefaultModel({
          skipgram: flags.skipgram,
          threads: flags.threads,
          signal: existsSync(DEFAULT_MODEL_CACHE) ? undefined : interruptSignal(),
          onProgress: progress,
        });
      } finally {
        progress.close();
        releaseInterruptSignal();
      }
      if (model.trained) process.stderr.write(`embedkit: trained the default model in ${((performance.now() - started) / 1000).toFixed(1)} s, cached at ${DEFAULT_MODEL_CACHE}\n`);
      else process.stderr.write(`embedkit: using the cached default model ${DEFAULT_MODEL_CACHE} (--retrain to train it again)\n`);
      const emb = await loadEmbeddings(model.path, { vocabFile: model.vocabPath });
      await emb.prepare();
      await serveWithFlags([staticModel('default', emb, encoder, 'sample corpus (word2vec, dim 100)')], flags, { nextFreePort: true });
    });
}
