import { extname } from 'node:path';
import { Option, type Command } from 'commander';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { PROJECTION_METHODS, type ProjectionMethod } from '../../viz/project.ts';
import { InvalidArgumentError } from '../../errors.ts';
import { examples, loadForCli, withLoadOptions, type LoadCliOptions } from '../common.ts';
import { positiveInt, nonNegativeInt } from '../flag-values.ts';

interface PlotFlags extends LoadCliOptions {
  output: string;
  neighbours: number;
  method: ProjectionMethod;
  width: number;
  height: number;
  title?: string;
}


export function registerPlot(program: Command): void {
  withLoadOptions(
    program
      .command('plot')
      .description('draw chosen words and their nearest neighbours on a 2-D map (PNG)')
      .argument('<vectors>', 'vectors file')
      .argument('<words...>', 'words to place on the map')
      .requiredOption('-o, --output <file>', 'PNG file to write (.png)')
      .option('-n, --neighbours <n>', 'nearest neighbours added around each word', nonNegativeInt('--neighbours'), 10)
      .addOption(new Option('--method <method>', 'projection to 2-D').choices([...PROJECTION_METHODS]).default('pca'))
      .option('--width <px>', 'image width', positiveInt('--width'), 1200)
      .option('--height <px>', 'image height', positiveInt('--height'), 900)
      .option('--title <text>', 'title drawn at the top'),
  )
    .addHelpText('after', examples(['embedkit plot vectors.bin king queen paris london -o map.png', 'embedkit plot zh.vec 北京 上海 -o zh.png --method tsne --neighbours 15']))
    .action(async (path: string, words: string[], o: PlotFlags) => {
      // Only PNG is drawn: another extension would label PNG bytes as something they are not. Checked before any work.
      if (extname(o.output).toLowerCase() !== '.png') {
        throw new InvalidArgumentError(`plot writes PNG images only: name the output with .png (got ${JSON.stringify(o.output)})`);
      }
      // Loaded on use: the canvas library would otherwise cost every other command startup time and memory.
      const [{ wordMap }, { renderWordMapPng }] = await Promise.all([import('../../viz/word-map.ts'), import('../../viz/plot-png.ts')]);
      const emb = await loadForCli(path, o);
      await emb.prepare();
      const map = wordMap(emb, words, { neighbours: o.neighbours, method: o.method });
      if (map.points.length === 0) throw new InvalidArgumentError(`none of the words is in ${path}: ${words.join(', ')}`);
      for (const w of map.missing) process.stderr.write(`embedkit: warning: ${JSON.stringify(w)} is not in the vocabulary; left out\n`);
      const png = renderWordMapPng(map, { width: o.width, height: o.height, title: o.title });
      await writeFileAtomic(o.output, png);
      if (o.json) process.stdout.write(`${JSON.stringify({ output: o.output, points: map.points.length, missing: map.missing, method: map.method })}\n`);
      else process.stderr.write(`embedkit: wrote ${o.output} (${map.points.length} words, ${map.method})\n`);
    });
}
