import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { detectFormat } from '../../formats/index.ts';
import { examples, loadForCli, printJson, withLoadOptions, type LoadCliOptions } from '../common.ts';

export function registerInfo(program: Command): void {
  withLoadOptions(
    program
      .command('info')
      .description('describe a vectors file: format, vocabulary size, dimension, norms, first words')
      .argument('<vectors>', 'vectors file (word2vec text/binary, GloVe text, fastText .vec)'),
  )
    .addHelpText('after', examples(['embedkit info vectors.bin', 'embedkit info glove.6B.50d.txt --json']))
    .action(async (path: string, o: LoadCliOptions) => {
      const format = o.format && o.format !== 'auto' ? o.format : await detectFormat(path);
      const emb = await loadForCli(path, { ...o, format });
      const norms = emb.norms();
      let min = Infinity;
      let max = -Infinity;
      let sum = 0;
      for (const x of norms) {
        min = Math.min(min, x);
        max = Math.max(max, x);
        sum += x;
      }
      const info = {
        path,
        format,
        bytes: statSync(path).size,
        words: emb.size,
        dim: emb.dim,
        norm: { min: emb.size ? min : 0, mean: emb.size ? sum / emb.size : 0, max: emb.size ? max : 0 },
        hasCounts: emb.vocab.totalCount() > 0,
        firstWords: emb.vocab.words.slice(0, 10),
      };
      if (o.json) return printJson(info);
      process.stdout.write(
        [
          `file        ${path} (${(info.bytes / 1048576).toFixed(1)} MiB)`,
          `format      ${format}`,
          `words       ${info.words.toLocaleString('en-US')}`,
          `dimensions  ${info.dim}`,
          `norms       min ${info.norm.min.toFixed(3)}  mean ${info.norm.mean.toFixed(3)}  max ${info.norm.max.toFixed(3)}`,
          `first words ${info.firstWords.join(' ')}`,
          '',
        ].join('\n'),
      );
    });
}
