import { Option, type Command } from 'commander';
import { saveEmbeddings, type VectorFormat } from '../../formats/index.ts';
import { examples, FORMATS, loadForCli, printJson, withLoadOptions, type LoadCliOptions } from '../common.ts';

interface ConvertOptions extends LoadCliOptions {
  to: VectorFormat;
  header?: boolean;
}

export function registerConvert(program: Command): void {
  withLoadOptions(
    program
      .command('convert')
      .description('convert a vectors file between formats (the output is written atomically)')
      .argument('<input>', 'vectors file to read')
      .argument('<output>', 'file to write')
      .addOption(new Option('--to <format>', 'output format').choices(FORMATS).makeOptionMandatory())
      .option('--header', 'GloVe text: write a "count dim" header line'),
  )
    .addHelpText('after', examples(['embedkit convert vectors.txt vectors.bin --to word2vec-binary', 'embedkit convert glove.txt glove.w2v.txt --to word2vec-text --limit 50000']))
    .action(async (input: string, output: string, o: ConvertOptions) => {
      const emb = await loadForCli(input, o);
      await saveEmbeddings(emb, output, { format: o.to, header: o.header });
      if (o.json) return printJson({ input, output, format: o.to, words: emb.size, dim: emb.dim });
      process.stderr.write(`wrote ${emb.size} vectors of dimension ${emb.dim} to ${output} (${o.to})\n`);
    });
}
