/* global document, window, URLSearchParams */
// The explorer's Languages tab: shown only when the server pairs two aligned word spaces (embedkit serve
// es=A.vec en=B.vec --aligned es,en). A word typed in one language is translated into the other by nearest
// neighbour (cosine) and by CSLS, beside its neighbours in its own language; each list is coloured by language.
import { $, api, viewData } from './api.js';
import { registerTab } from './tabs.js';

/** Colours of the first and second language (the page's accent blue, and an orange that stays apart from it). */
const COLOURS = ['#1d6fd6', '#c2410c'];
const SVG_NS = 'http://www.w3.org/2000/svg';
const PAD = 36;

let info = null;
/** The last map's points, redrawn when the window crosses the phone width. */
let lastMap = null;

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

const colourOf = (lang) => COLOURS[Math.max(0, info.languages.findIndex((l) => l.name === lang))];
const otherOf = (lang) => info.languages.find((l) => l.name !== lang).name;

function tag(lang) {
  const t = el('span', { className: 'lang-tag', textContent: lang });
  t.style.background = colourOf(lang);
  return t;
}

function build() {
  const [a, b] = info.languages;
  const from = el('select', { id: 'languages-from', ariaLabel: 'Translate from' });
  for (const [x, y] of [[a, b], [b, a]]) from.append(el('option', { value: x.name, textContent: `${x.name} → ${y.name}` }));
  const topn = el('select', { id: 'languages-topn', ariaLabel: 'How many' });
  for (const n of [5, 10, 20]) topn.append(el('option', { value: String(n), textContent: String(n), selected: n === 10 }));
  const word = el('input', { id: 'languages-word', type: 'search', placeholder: 'type a word…', ariaLabel: 'Word to translate', required: true, maxLength: info.limits.wordChars, autocomplete: 'off' });
  const form = el('form', { id: 'languages-form', className: 'languages-form', autocomplete: 'off' }, from, word, topn, el('button', { type: 'submit', textContent: 'Translate' }));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    translate(word.value.trim(), from.value);
  });
  const examples = el('div', { id: 'languages-examples', className: 'examples', ariaLabel: 'Example words' });
  for (const l of info.languages) {
    for (const w of l.examples.slice(0, 4)) {
      const chip = el('button', { type: 'button', className: 'chip', textContent: w });
      chip.style.borderColor = colourOf(l.name);
      chip.addEventListener('click', () => translate(w, l.name));
      examples.append(chip);
    }
  }
  const column = (id, title) => el('div', { className: 'languages-column' }, el('h3', { id: `${id}-title`, textContent: title }), el('ol', { id, className: 'languages-list' }));
  const hint = `${a.name} (${a.words.toLocaleString()} words) and ${b.name} (${b.words.toLocaleString()} words) in one vector space. ` + `CSLS (k = ${info.k}) discounts words that are near everything (hubs), as MUSE ranks translations.${info.restrictVocab ? ` Candidates: the ${info.restrictVocab.toLocaleString()} most frequent words.` : ''}`;
  const card = el(
    'div',
    { className: 'card' },
    el('h2', { textContent: 'Translate between languages' }),
    el('p', { className: 'hint', textContent: hint }),
    form,
    examples,
    el('div', { id: 'languages-status', className: 'status', role: 'status' }),
    el('div', { id: 'languages-results', className: 'languages-results', hidden: true }, column('languages-nn', 'Nearest neighbour'), column('languages-csls', 'CSLS'), column('languages-neighbours', 'Neighbours')),
    el('p', { className: 'hint', textContent: 'Click a word to translate it in turn.' }),
    el('div', { id: 'languages-map-wrap', className: 'languages-map-wrap', hidden: true }, el('h3', { textContent: 'The word, its neighbours and its CSLS translations in one map' }), svg('svg', { id: 'languages-map', role: 'img', 'aria-label': 'Both languages in one map', preserveAspectRatio: 'xMidYMid meet' })),
  );
  $('languages-view').append(card);
}

function svg(tag, attrs) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

/** Draws the map's points (first two principal components), coloured by language, the asked word larger. */
function drawMap(points) {
  lastMap = points;
  // A phone gets a narrower drawing, so the labels keep a readable size.
  const W = window.innerWidth < 600 ? 400 : 800;
  const H = W / 2;
  const map = $('languages-map');
  map.setAttribute('viewBox', `0 0 ${W} ${H}`);
  map.replaceChildren();
  const span = (k) => [Math.min(...points.map((p) => p[k])), Math.max(...points.map((p) => p[k]))];
  const [[x0, x1], [y0, y1]] = [span('x'), span('y')];
  const sx = (x) => PAD + ((x - x0) / (x1 - x0 || 1)) * (W - 2 * PAD);
  const sy = (y) => H - PAD - ((y - y0) / (y1 - y0 || 1)) * (H - 2 * PAD);
  points.forEach((p, i) => {
    const [cx, cy] = [sx(p.x), sy(p.y)];
    const dot = svg('circle', { cx, cy, r: i === 0 ? 7 : 4.5, fill: colourOf(p.lang), 'data-word': p.word, 'data-lang': p.lang });
    const label = svg('text', { x: cx, y: cy - 9, 'text-anchor': cx < W / 4 ? 'start' : cx > (3 * W) / 4 ? 'end' : 'middle', fill: colourOf(p.lang), 'font-weight': i === 0 ? 700 : 500 });
    label.textContent = p.word;
    map.append(dot, label);
  });
}

/** Fills one list: each word tagged by language, its score as a number and a bar. */
function fill(id, title, lang, items) {
  const h = $(`${id}-title`);
  h.replaceChildren(`${title} `, tag(lang));
  const list = $(id);
  list.replaceChildren();
  const top = Math.max(1e-9, ...items.map((x) => Math.abs(x.score)));
  for (const { word, score } of items) {
    const button = el('button', { type: 'button', className: 'word-link', textContent: word });
    button.addEventListener('click', () => translate(word, lang));
    const bar = el('span', { className: 'lang-bar' });
    bar.style.width = `${Math.max(2, (100 * Math.max(0, score)) / top)}%`;
    bar.style.background = colourOf(lang);
    const li = el('li', {}, el('div', { className: 'lang-row' }, button, el('span', { className: 'score', textContent: score.toFixed(3) })), bar);
    li.dataset.word = word;
    li.dataset.score = String(score);
    list.append(li);
  }
}

async function translate(word, from) {
  if (!word) return;
  $('languages-word').value = word;
  $('languages-from').value = from;
  const status = $('languages-status');
  status.classList.remove('error');
  status.textContent = 'translating…';
  const topn = $('languages-topn').value;
  try {
    const r = await api(`/api/languages/translate?${new URLSearchParams({ word, from, topn })}`);
    fill('languages-nn', 'Nearest neighbour', r.to, r.nn);
    fill('languages-csls', 'CSLS', r.to, r.csls);
    fill('languages-neighbours', 'Neighbours', r.from, r.neighbours);
    $('languages-results').hidden = false;
    $('languages-map-wrap').hidden = false;
    drawMap(r.map);
    status.textContent = `“${r.word}” (${r.from}) in ${otherOf(r.from)}`;
  } catch (err) {
    $('languages-results').hidden = true;
    $('languages-map-wrap').hidden = true;
    status.classList.add('error');
    status.textContent = err.message;
  }
  document.body.dataset.languagesDone = String(Number(document.body.dataset.languagesDone ?? 0) + 1);
}

async function init() {
  const answer = await viewData('/api/languages', 'languages');
  if (answer.languages === null) {
    // This server pairs no aligned spaces: no Languages tab.
    document.body.dataset.languagesReady = 'absent';
    return;
  }
  info = answer;
  build();
  window.addEventListener('resize', () => {
    const W = window.innerWidth < 600 ? 400 : 800;
    if (lastMap && !$('languages-map').getAttribute('viewBox').startsWith(`0 0 ${W} `)) drawMap(lastMap);
  });
  registerTab('languages', { label: 'Languages', panel: $('languages-view'), onShow: () => $('languages-word').focus() });
  document.body.dataset.languagesReady = 'true';
}

init();
