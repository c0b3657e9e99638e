#!/usr/bin/env node
/**
 * Builds the retrieval benchmark's data from Debian's SWORD packages: the King James Version
 * (`sword-text-kjv`) and the World English Bible (`sword-text-web`), read with `mod2imp` (`libsword-utils`),
 * one JSON line per verse, `{"id":"Gen 1:1","text":"In the beginning, God created the heavens and the earth."}`.
 *
 *   node scripts/bench-data/bible-verses.mjs [OUT_DIR]     # default .cache/bench/bible (git-ignored)
 *
 * Writes OUT_DIR/kjv.jsonl, OUT_DIR/web.jsonl and OUT_DIR/manifest.json (module versions, counts, SHA-256 of
 * each file). Only the 66 books both Bibles share, and only verses with text in both, are kept, in the same
 * order: the WEB verses are the collection, each KJV verse a query whose one relevant document is the WEB verse
 * with the same reference (the WEB module also carries the deuterocanon, which the KJV module lacks).
 * The text is the verse as printed: Strong's tags, notes (footnotes, cross references), section headings,
 * speaker labels, matter after a chapter's end (the WEB's glossary) and other markup are dropped; canonical Psalm titles (part of verse 1 in both) are kept.
 * Re-running gives byte-identical files for the same package versions.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const MODS = '/usr/share/sword/mods.d';

/** SWORD's book names (KJV versification, in canonical order) → OSIS abbreviations used as ids. */
const BOOKS = [
  ['Genesis', 'Gen'], ['Exodus', 'Exod'], ['Leviticus', 'Lev'], ['Numbers', 'Num'], ['Deuteronomy', 'Deut'],
  ['Joshua', 'Josh'], ['Judges', 'Judg'], ['Ruth', 'Ruth'], ['I Samuel', '1Sam'], ['II Samuel', '2Sam'],
  ['I Kings', '1Kgs'], ['II Kings', '2Kgs'], ['I Chronicles', '1Chr'], ['II Chronicles', '2Chr'], ['Ezra', 'Ezra'],
  ['Nehemiah', 'Neh'], ['Esther', 'Esth'], ['Job', 'Job'], ['Psalms', 'Ps'], ['Proverbs', 'Prov'],
  ['Ecclesiastes', 'Eccl'], ['Song of Solomon', 'Song'], ['Isaiah', 'Isa'], ['Jeremiah', 'Jer'],
  ['Lamentations', 'Lam'], ['Ezekiel', 'Ezek'], ['Daniel', 'Dan'], ['Hosea', 'Hos'], ['Joel', 'Joel'],
  ['Amos', 'Amos'], ['Obadiah', 'Obad'], ['Jonah', 'Jonah'], ['Micah', 'Mic'], ['Nahum', 'Nah'],
  ['Habakkuk', 'Hab'], ['Zephaniah', 'Zeph'], ['Haggai', 'Hag'], ['Zechariah', 'Zech'], ['Malachi', 'Mal'],
  ['Matthew', 'Matt'], ['Mark', 'Mark'], ['Luke', 'Luke'], ['John', 'John'], ['Acts', 'Acts'],
  ['Romans', 'Rom'], ['I Corinthians', '1Cor'], ['II Corinthians', '2Cor'], ['Galatians', 'Gal'],
  ['Ephesians', 'Eph'], ['Philippians', 'Phil'], ['Colossians', 'Col'], ['I Thessalonians', '1Thess'],
  ['II Thessalonians', '2Thess'], ['I Timothy', '1Tim'], ['II Timothy', '2Tim'], ['Titus', 'Titus'],
  ['Philemon', 'Phlm'], ['Hebrews', 'Heb'], ['James', 'Jas'], ['I Peter', '1Pet'], ['II Peter', '2Pet'],
  ['I John', '1John'], ['II John', '2John'], ['III John', '3John'], ['Jude', 'Jude'], ['Revelation of John', 'Rev'],
];
const OSIS = new Map(BOOKS);

/** The installed module whose Abbreviation is `abbr` (KJV, WEB): its section name and version. */
export function findModule(abbr) {
  for (const file of readdirSync(MODS).filter((f) => f.endsWith('.conf')).sort()) {
    const conf = readFileSync(join(MODS, file), 'utf8');
    if (new RegExp(`^Abbreviation=${abbr}\\s*$`, 'm').test(conf)) {
      const name = /^\[([^\]]+)\]/m.exec(conf)?.[1];
      const version = /^Version=(.*)$/m.exec(conf)?.[1]?.trim();
      if (name) return { name, version, conf: file };
    }
  }
  throw new Error(`no SWORD module with Abbreviation=${abbr} in ${MODS}: install sword-text-${abbr.toLowerCase()}`);
}

const NOTE = '\uE000'; // a private-use character, absent from both texts

/** One verse's OSIS fragment as plain text. */
export function osisToText(osis) {
  // What follows a chapter's end marker (book end, the WEB's glossary after Rev 22:21) is not the verse.
  const end = osis.search(/<chapter\b[^>]*\beID=/);
  let s = (end < 0 ? osis : osis.slice(0, end))
    // Notes (footnotes, cross references) and their contents; a marker so words either side stay apart.
    .replace(/<note\b[^>]*\/>/g, NOTE)
    .replace(/<note\b[^>]*>[\s\S]*?<\/note>/g, NOTE)
    // Headings and speaker labels are not verse text; canonical titles (Psalm superscriptions) are.
    .replace(/<title\b(?![^>]*canonical="true")[^>]*>[\s\S]*?<\/title>/g, ' ')
    .replace(/<speaker\b[^>]*>[\s\S]*?<\/speaker>/g, ' ')
    // Inline tags vanish without a trace; structural ones (line groups, divisions, breaks) leave a space.
    .replace(/<\/?(?:w|transChange|divineName|q|seg|foreign|name|hi|rdg|catchWord)\b[^>]*>/g, '')
    .replace(/<[^>]*>/g, ' ');
  s = s.replace(/(\p{L})\uE000+(\p{L})/gu, '$1 $2').replace(/\uE000/g, '');
  s = s.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'");
  return s.replace(/\s+/g, ' ').replace(/ ([,.;:!?’”)])/g, '$1').trim();
}

/** Reference → text for every verse of the module (verse 0 and book/chapter intros skipped). */
export function readModule(name) {
  const r = spawnSync('mod2imp', [name], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`mod2imp ${name} failed (${r.status}): ${r.stderr || r.error}`);
  const verses = new Map();
  const parts = r.stdout.split(/^\$\$\$/m);
  for (const part of parts) {
    const nl = part.indexOf('\n');
    const key = (nl < 0 ? part : part.slice(0, nl)).trim();
    const m = /^(.+) (\d+):(\d+)$/.exec(key);
    if (!m || m[3] === '0' || m[2] === '0') continue;
    const book = OSIS.get(m[1]);
    if (!book) continue;
    const text = osisToText(nl < 0 ? '' : part.slice(nl + 1));
    if (text) verses.set(`${book} ${m[2]}:${m[3]}`, text);
  }
  return verses;
}

function writeAtomically(path, text) {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = resolve(process.argv[2] ?? join(root, '.cache/bench/bible'));
  mkdirSync(out, { recursive: true });
  const kjvModule = findModule('KJV');
  const webModule = findModule('WEB');
  const kjv = readModule(kjvModule.name);
  const web = readModule(webModule.name);
  const ids = [...kjv.keys()].filter((id) => web.has(id));
  const files = {};
  for (const [label, verses] of [['kjv', kjv], ['web', web]]) {
    const text = ids.map((id) => JSON.stringify({ id, text: verses.get(id) })).join('\n') + '\n';
    const path = join(out, `${label}.jsonl`);
    writeAtomically(path, text);
    files[label] = { path: `${label}.jsonl`, sha256: createHash('sha256').update(text).digest('hex') };
  }
  const manifest = {
    verses: ids.length,
    kjv: { module: kjvModule, versesInModule: kjv.size, ...files.kjv },
    web: { module: webModule, versesInModule: web.size, ...files.web },
    onlyInKjv: [...kjv.keys()].filter((id) => !web.has(id)),
    onlyInWebProtocanon: [...web.keys()].filter((id) => !kjv.has(id)),
  };
  writeAtomically(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  console.log(`${ids.length} verses in both Bibles → ${out}/{kjv,web}.jsonl`);
}
