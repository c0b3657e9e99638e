/* global document */
// The explorer's Search tab: shown only when the server serves collections (embedkit serve --collections DIR).
// Plain browser JavaScript, no build step; it talks to /api/collections and /api/collections/search.
import { $, api, explorerReady } from './api.js';
import { registerTab } from './tabs.js';

/** Passages longer than this show a window around their first matching word, with a switch to show them whole. */
const SNIPPET_CHARS = 600;

function setStatus(text, isError = false) {
  const el = $('search-status');
  el.textContent = text;
  el.classList.toggle('error', isError);
}

/** Words compare as the keyword index compares them: lower-cased, accents folded. */
const fold = (w) => w.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const WORD = /[\p{L}\p{N}]+/gu;

function queryTerms(query) {
  return new Set([...query.matchAll(WORD)].map((m) => fold(m[0])));
}

/** Appends `text` to `el`, each word of `terms` wrapped in <mark>; text nodes only, so a passage can never inject markup. */
function appendHighlighted(el, text, terms) {
  let last = 0;
  for (const m of text.matchAll(WORD)) {
    if (!terms.has(fold(m[0]))) continue;
    if (m.index > last) el.append(text.slice(last, m.index));
    const mark = document.createElement('mark');
    mark.textContent = m[0];
    el.append(mark);
    last = m.index + m[0].length;
  }
  if (last < text.length) el.append(text.slice(last));
}

/**
 * Text files wrap their lines at a fixed width; on the page the lines of a paragraph flow together (a blank line
 * still separates paragraphs), so a passage reads well at any width.
 */
function reflow(text) {
  return text
    .split(/\n[ \t]*\n\s*/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter((p) => p !== '')
    .join('\n\n');
}

/** A window of the passage around its first matching word (the whole passage when it is short). */
function snippet(text, terms) {
  if (text.length <= SNIPPET_CHARS) return { text, cut: false };
  let first = 0;
  for (const m of text.matchAll(WORD)) {
    if (terms.has(fold(m[0]))) {
      first = m.index;
      break;
    }
  }
  let start = Math.max(0, first - SNIPPET_CHARS / 4);
  let end = Math.min(text.length, start + SNIPPET_CHARS);
  start = Math.max(0, end - SNIPPET_CHARS);
  // Cut at spaces, not inside words.
  if (start > 0) start = text.indexOf(' ', start) + 1 || start;
  if (end < text.length) end = text.lastIndexOf(' ', end) > start ? text.lastIndexOf(' ', end) : end;
  return { text: `${start > 0 ? '… ' : ''}${text.slice(start, end)}${end < text.length ? ' …' : ''}`, cut: true };
}

function scoreLine(hit, hybrid) {
  const parts = [`score ${hit.score.toFixed(3)}`];
  if (hybrid) {
    parts.push(hit.vector_score === null ? 'meaning: —' : `meaning ${hit.vector_score.toFixed(3)}`);
    parts.push(hit.keyword_score === null ? 'words: —' : `words ${hit.keyword_score.toFixed(2)}`);
  }
  return parts.join(' · ');
}

function renderHits(result) {
  const terms = queryTerms(result.query);
  const top = result.hits[0]?.score || 1;
  $('search-results').replaceChildren(
    ...result.hits.map((hit) => {
      const li = document.createElement('li');
      li.className = 'passage';
      const head = document.createElement('div');
      head.className = 'passage-head';
      const source = document.createElement('span');
      source.className = 'source';
      source.textContent = `${hit.filename} · passage ${hit.chunk + 1}`;
      const score = document.createElement('span');
      score.className = 'score';
      score.textContent = scoreLine(hit, result.hybrid);
      const bar = document.createElement('span');
      bar.className = 'score-bar';
      bar.style.width = `${Math.max(2, Math.min(1, hit.score / top) * 100)}%`;
      head.append(source, score);
      const body = document.createElement('p');
      body.className = 'passage-text';
      const whole = reflow(hit.text);
      const short = snippet(whole, terms);
      appendHighlighted(body, short.text, terms);
      li.append(head, bar, body);
      if (short.cut) {
        const more = document.createElement('button');
        more.type = 'button';
        more.className = 'link';
        more.textContent = 'show whole passage';
        more.addEventListener('click', () => {
          body.replaceChildren();
          appendHighlighted(body, whole, terms);
          more.remove();
        });
        li.append(more);
      }
      return li;
    }),
  );
}

async function runSearch() {
  const query = $('search-query').value.trim();
  const collection = $('search-collection').value;
  if (!query || !collection) return;
  setStatus('searching…');
  try {
    const r = await api('/api/collections/search', {
      method: 'POST',
      body: JSON.stringify({ collection, query, k: Number($('search-k').value), hybrid: $('search-hybrid').checked }),
    });
    renderHits(r);
    setStatus(r.hits.length ? `${r.hits.length} passages · ${r.hybrid ? 'hybrid (meaning + words)' : 'meaning only'} · ${r.took_ms} ms` : 'no passage matches');
  } catch (err) {
    $('search-results').replaceChildren();
    setStatus(err.message, true);
  }
}

/** The collection picker, keeping the chosen collection when it is still there. */
function fillCollections(collections) {
  const select = $('search-collection');
  const chosen = select.value;
  select.replaceChildren(
    ...collections.map((c) =>
      Object.assign(document.createElement('option'), {
        value: c.id,
        textContent: `${c.name}${c.chunks === null ? '' : ` (${c.chunks.toLocaleString()} passages)`}`,
      }),
    ),
  );
  if (collections.some((c) => c.id === chosen)) select.value = chosen;
  if (collections.length === 0) setStatus('No collection yet: create a vector store and add files (POST /v1/vector_stores), or embedkit index add.');
  else if ($('search-status').textContent.startsWith('No collection yet')) setStatus('');
}

/** Stores made since the page loaded (through the API) appear when the tab is opened again. */
async function refreshCollections() {
  try {
    const listing = await api('/api/collections');
    if (listing.collections) fillCollections(listing.collections);
  } catch {
    // keep the list the page has
  }
}

function onSearchShown() {
  $('search-query').focus();
  refreshCollections();
}

async function init() {
  await explorerReady();
  let listing;
  try {
    listing = await api('/api/collections');
  } catch {
    listing = { collections: null };
  }
  if (listing.collections === null) {
    // This server serves no collections (or cannot list them): the page stays the word explorer it was.
    document.body.dataset.searchReady = 'absent';
    return;
  }
  $('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    runSearch();
  });
  $('search-hybrid').addEventListener('change', () => {
    if ($('search-query').value.trim()) runSearch();
  });
  fillCollections(listing.collections);
  registerTab('search', { label: 'Search collections', panel: $('search-view'), onShow: onSearchShown });
  document.body.dataset.searchReady = 'true';
}

init();
