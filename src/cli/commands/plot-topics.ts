import { extname } from 'node:path';
import type { Command } from 'commander';
import { findTopics } from '../../apps/topics/find-topics.ts';
import { readTopicDocuments } from '../../apps/topics/read-documents.ts';
import { TOPIC_OPTIONS } from '../../apps/topics/topic-options.ts';
import { topicMap } from '../../apps/topics/topic-map.ts';
import { InvalidArgumentError } from '../../errors.ts';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { examples } from '../common.ts';
import { positiveInt } from '../flag-values.ts';
import { addOptionFlags, flagError, optionsFromFlags } from '../option-flags.ts';
import { topicCount } from './topics.ts';

interface PlotTopicsFlags extends Record<string, unknown> {
  model: string;
  topics: string;
  output: string;
  width: number;
  height: number;
  title?: string;
  json?: boolean;
}

export function registerPlotTopics(program: Command): void {
  const cmd = program
    .command('plot-topics')
    .description('draw the topics of a document collection as a PNG map: documents coloured by topic, keywords at each topic\'s centre')
    .argument('<docs>', 'documents: a text file with one document per line, or JSON Lines with "text"')
    .requiredOption('--model <model>', 'vectors file, transformer model directory, or http(s)://host/v1#model')
    .requiredOption('-o, --output <file>', 'PNG file to write (.png)')
    .option('--topics <auto|K>', 'keep the topics HDBSCAN finds (auto) or merge the most similar down to K', 'auto')
    .option('--width <px>', 'image width', positiveInt('--width'), 1200)
    .option('--height <px>', 'image height', positiveInt('--height'), 900)
    .option('--title <text>', 'title drawn at the top')
    .option('--json', 'print what was written as JSON');
  addOptionFlags(cmd, TOPIC_OPTIONS)
    .addHelpText('after', examples(['embedkit plot-topics abstracts.txt --model vectors.bin -o topics.png', 'embedkit plot-topics news.jsonl --model vectors.bin --topics 8 -o news.png --title "News topics"']))
    .action(async (path: string, f: PlotTopicsFlags) => {
      if (extname(f.output).toLowerCase() !== '.png') throw new InvalidArgumentError(`plot-topics writes PNG images only: name the output with .png (got ${JSON.stringify(f.output)})`);
      const k = topicCount(f.topics);
      // Loaded on use: the canvas library would otherwise cost every other command startup time.
      const { renderPointMapPng } = await import('../../viz/plot-points-png.ts');
      const docs = await readTopicDocuments(path);
      const result = await findTopics(docs, { ...optionsFromFlags(TOPIC_OPTIONS, f), model: f.model, topics: k }).catch((err: unknown) => {
        throw flagError(TOPIC_OPTIONS, err);
      });
      const map = topicMap(result);
      const png = renderPointMapPng(
        {
          points: map.points.map((p) => ({ x: p.x, y: p.y, group: p.topic })),
          labels: map.labels.map((l) => ({ x: l.x, y: l.y, text: `${l.topic}: ${l.keywords.join(' ')}`, group: l.topic })),
          caption: `UMAP map of ${map.points.length} documents, ${result.topics.length} topics${result.outliers ? `, ${result.outliers} outliers in grey` : ''}`,
        },
        { width: f.width, height: f.height, title: f.title },
      );
      await writeFileAtomic(f.output, png);
      if (result.singleCluster) process.stderr.write(`embedkit: HDBSCAN found a single cluster: the documents do not split into two groups of at least ${result.settings.minClusterSize}\n`);
      if (f.json) process.stdout.write(`${JSON.stringify({ output: f.output, documents: map.points.length, topics: result.topics.length, outliers: result.outliers })}\n`);
      else process.stderr.write(`embedkit: wrote ${f.output} (${map.points.length} documents, ${result.topics.length} topics)\n`);
    });
}
