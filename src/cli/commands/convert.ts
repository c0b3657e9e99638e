import { Option, type Command } from 'commander';
import { detectFormat, loadFastTextModel, saveEmbeddings, writeEmbeddings, type VectorFormat } from '../../formats/index.ts';
import { InvalidArgumentError } from '../../errors.ts';
import { examples, FORMATS, loadForCli, printJson, withLoadOptions, type LoadCliOptions } from '../common.ts';
import { EXTENSION_HELP, outputVectorFormat } from '../output-format.ts';

interface ConvertOptions extends LoadCliOptions {
  to?: VectorFormat;
  header?: boolean;
}

export function registerConvert(program: Command): void {
  withLoadOptions(
    program
      .command('convert')
      .description('convert a vectors file between formats (the output is written atomically)')
      .argument('<input>', 'vectors file to read')
      .argument('<output>', 'file to write ("-" for standard output: word2vec text unless --to says otherwise)')
      .addOption(new Option('--to <format>', 'output format (default: from the output extension, see below)').choices(FORMATS))
      .option('--header', 'GloVe text: write a "count dim" header line'),
  )
    .addHelpText(
      'after',
      `\n${EXTENSION_HELP}\n` +
        examples([
          'embedkit convert vectors.bin vectors.vec                      # fastText .vec text',
          'embedkit convert vectors.txt vectors.bin                      # word2vec binary',
          'embedkit convert vectors.vec model.bin --to fasttext-bin      # a fastText model that `fasttext` reads',
          'embedkit convert glove.txt glove.w2v.txt --to word2vec-text --limit 50000',
        ]),
    )
    .action(async (input: string, output: string, o: ConvertOptions) => {
      // The input's format first: `.bin` means a fastText model when the input is one.
      const toStdout = output === '-';
      if (toStdout && o.json) throw new InvalidArgumentError('--json cannot share standard output with the vectors ("-"): write to a file, or leave out --json');
      const inputFormat = o.format && o.format !== 'auto' ? o.format : await detectFormat(input);
      // "-" has no extension to read a format from: word2vec text, the format every tool reads, unless --to names one.
      const format = toStdout ? (o.to ?? 'word2vec-text') : outputVectorFormat(output, o.to, inputFormat);
      // A fastText model written back as one keeps its n-grams and output matrix, so it is read whole.
      const model = inputFormat === 'fasttext-bin' && format === 'fasttext-bin' ? await loadFastTextModel(input, o) : undefined;
      const emb = model?.embeddings ?? (await loadForCli(input, { ...o, format: inputFormat }));
      if (toStdout) {
        await writeEmbeddings(emb, process.stdout, { format, header: o.header, fastTextModel: model });
        return;
      }
      await saveEmbeddings(emb, output, { format, header: o.header, fastTextModel: model });
      if (o.json) return printJson({ input, output, format, words: emb.size, dim: emb.dim });
      process.stderr.write(`wrote ${emb.size} vectors of dimension ${emb.dim} to ${output} (${format})\n`);
    });
}
