/**
 * Plain text out of Markdown and HTML, without a parser dependency: enough to embed and to match keywords (the words
 * a reader sees, in reading order, paragraphs kept apart), not a renderer.
 */

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '–', mdash: '—', hellip: '…', copy: '©', reg: '®',
  trade: '™', laquo: '«', raquo: '»', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', middot: '·', bull: '•', deg: '°',
  euro: '€', pound: '£', yen: '¥', cent: '¢', sect: '§', para: '¶', times: '×', divide: '÷', shy: '',
};

/** Decodes HTML character references (named ones in common use, decimal and hex); unknown ones stay as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#\d+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);/g, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[body] ?? NAMED_ENTITIES[body.toLowerCase()] ?? whole;
  });
}

/** Collapses spaces within lines and runs of blank lines, trims the ends. */
function tidy(text: string): string {
  return text
    .split('\n')
    .map((l) => l.replace(/[ \t\f\v\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const BLOCK_TAGS = 'address|article|aside|blockquote|br|dd|div|dl|dt|figcaption|figure|footer|form|h[1-6]|header|hr|li|main|nav|ol|p|pre|section|table|tbody|td|tfoot|th|thead|tr|ul';

/** The title (from `<title>`, if any) and the visible text of an HTML document. */
export function htmlToText(html: string): { title?: string; text: string } {
  const titleMatch = /<title\b[^>]*>([\s\S]*?)<\/title\s*>/i.exec(html);
  const title = titleMatch ? tidy(decodeEntities(titleMatch[1].replace(/<[^>]*>/g, ''))).replace(/\n+/g, ' ') : undefined;
  let s = html
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')
    .replace(/<!DOCTYPE[^>]*>/gi, ' ')
    // Elements whose content is not text a reader sees.
    .replace(/<(script|style|noscript|template|svg|head|iframe|object)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(new RegExp(`</?(?:${BLOCK_TAGS})\\b[^>]*>`, 'gi'), '\n')
    .replace(/<img\b[^>]*\balt\s*=\s*("([^"]*)"|'([^']*)')[^>]*>/gi, (_, _q, a?: string, b?: string) => ` ${a ?? b ?? ''} `)
    .replace(/<[^>]*>/g, '');
  s = decodeEntities(s);
  return { ...(title ? { title } : {}), text: tidy(s) };
}

/** The readable text of a Markdown document: markup, link targets, front matter and HTML tags removed. */
export function markdownToText(md: string): { title?: string; text: string } {
  let s = md.replace(/\r\n?/g, '\n');
  s = s.replace(/^---\n[\s\S]*?\n(---|\.\.\.)\n/, ''); // YAML front matter
  const out: string[] = [];
  let title: string | undefined;
  let fence: string | undefined;
  for (const line of s.split('\n')) {
    const fenceMatch = /^\s*(```+|~~~+)/.exec(line);
    if (fenceMatch) {
      // Code is text too (identifiers are often what people search for); only the fence line goes.
      if (fence === undefined) fence = fenceMatch[1][0];
      else if (fenceMatch[1][0] === fence) fence = undefined;
      continue;
    }
    if (fence !== undefined) {
      out.push(line);
      continue;
    }
    if (/^\s*\[[^\]]+\]:\s*\S+/.test(line)) continue; // link reference definitions
    if (/^\s*([-*_]\s*){3,}$/.test(line) || /^\s*[=-]{2,}\s*$/.test(line)) {
      out.push('');
      continue;
    }
    let l = line
      .replace(/^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/, (_, h: string) => {
        title ??= inline(h);
        return h;
      })
      .replace(/^\s*(>\s?)+/, '')
      .replace(/^\s*([-*+]|\d+[.)])\s+(\[[ xX]\]\s+)?/, '');
    if (/^\s*\|.*\|\s*$/.test(l)) {
      if (/^\s*\|?\s*:?-{2,}/.test(l)) continue; // table rule
      l = l.replace(/^\s*\||\|\s*$/g, '').replace(/\s*\|\s*/g, ' ');
    }
    out.push(inline(l));
  }
  return { ...(title ? { title } : {}), text: tidy(decodeEntities(out.join('\n'))) };
}

function inline(s: string): string {
  return s
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\[[^\]]*\]/g, '$1')
    .replace(/<(https?:[^>]+)>/g, '$1')
    .replace(/<\/?[a-zA-Z][^>]*>/g, '')
    .replace(/`+([^`]+)`+/g, '$1')
    .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, '$2')
    .replace(/(^|[^\w*])([*_])(?=\S)(.+?)(?<=\S)\2(?!\w)/g, '$1$3')
    .replace(/~~(.+?)~~/g, '$1')
    .replace(/\\([\\`*_{}[\]()#+\-.!|>~])/g, '$1');
}
