import { Option, type Command } from 'commander';
import { InvalidArgumentError } from '../../errors.ts';
import { SEARCH_OPTIONS } from '../../search/search-options.ts';
import type { ScoredPassage, SearchHit, SearchOptions } from '../../search/collection.ts';
import { examples, printJson } from '../common.ts';
import { addOptionFlags, flagError, optionsFromFlags } from '../option-flags.ts';
import { hubDownloads, OFFLINE_HELP } from '../hub-progress.ts';
import { openForCli } from './index-collection.ts';
import { imageQueryVector, MODALITY_FIELD, modalityFilter } from '../../search/image-documents.ts';

/** `embedkit search COLLECTION "query"`: ranked passages, over Collection.search. */
export function registerSearch(program: Command): void {
  const cmd = program
    .command('search')
    .description('search a collection: exact or ANN vector search, hybrid with BM25 keywords, metadata filters, MMR')
    .argument('<collection>', 'collection directory (made by embedkit index add)')
    .argument('[query]', 'what to look for (or --image)');
  addOptionFlags(cmd, SEARCH_OPTIONS)
    .option('--image <file>', 'look for what is nearest a picture (a collection embedded by a CLIP model)')
    .addOption(new Option('--modality <kind>', 'only pictures (added with index add --images) or only texts').choices(['image', 'text']))
    .option('--json', 'print the hits as JSON')
    .option('--offline', OFFLINE_HELP)
    .addHelpText('after', examples(['embedkit search captions.collection --image photo.jpg --k 3', 'embedkit search photos.collection "a red circle at the top" --modality image', 'embedkit search docs.collection "how do I reset my password" --k 5', 'embedkit search docs.collection "licence terms" --hybrid --filter \'lang = "en"\' --json', 'embedkit search docs.collection "licence terms" --hybrid --fusion rrf --alpha 0.5', 'embedkit search docs.collection "bank" --mmr 0.5']))
    .action(async (path: string, text: string | undefined, f: Record<string, unknown> & { json?: boolean; image?: string; offline?: boolean; modality?: 'image' | 'text' }) => {
      if ((text === undefined) === (f.image === undefined)) throw new InvalidArgumentError('give a query text or --image, one of the two');
      const downloads = hubDownloads({ offline: f.offline });
      const c = await openForCli(path, { hub: downloads.options });
      try {
        let query: string | Float32Array = text ?? '';
        if (f.image !== undefined) query = await imageQueryVector(c, { image: f.image });
        // A collection without pictures has no modality field: every passage is a text.
        const hasImages = f.modality === undefined || (await c.fields()).has(MODALITY_FIELD);
        if (f.modality !== undefined && hasImages) f.filter = modalityFilter(f.modality, f.filter as string | undefined);
        // With --fetch 0 the hits are ids and scores only (no text, no metadata).
        const hits: (ScoredPassage & Partial<SearchHit>)[] = !hasImages && f.modality === 'image' ? [] : await c.search(query, optionsFromFlags(SEARCH_OPTIONS, f) as SearchOptions).catch((err: unknown) => {
          throw flagError(SEARCH_OPTIONS, err);
        });
        if (f.json) return printJson(hits);
        const lines = hits.map((h, i) => {
          const extra = [h.vectorScore !== undefined && h.keywordScore !== undefined ? `vector ${h.vectorScore.toFixed(4)} bm25 ${h.keywordScore.toFixed(3)}` : '', h.metadata && Object.keys(h.metadata).length ? JSON.stringify(h.metadata) : ''].filter(Boolean);
          const text = (h.text ?? '').replace(/\s+/g, ' ');
          const head = `${String(i + 1).padStart(3)}. ${h.score.toFixed(4)}  ${h.id}`;
          return `${head}${h.text !== undefined ? `\n     ${text.length > 200 ? `${text.slice(0, 197)}...` : text}` : ''}${extra.length ? `\n     ${extra.join('  ')}` : ''}`;
        });
        process.stdout.write(lines.length ? `${lines.join('\n')}\n` : 'no results\n');
      } finally {
        downloads.close();
        await c.close();
      }
    });
}
