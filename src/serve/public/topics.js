/* global document, window, requestAnimationFrame */
// The explorer's Topics tab: shown only when the server maps a document collection (embedkit serve --topics DOCS).
// Plain browser JavaScript, no build step; it reads /api/topics once and draws the map as SVG.
import { $, viewData } from './api.js';
import { registerTab } from './tabs.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** The topic colours of the PNG map (src/viz/palette.ts), in the same order, so both maps colour topic t alike. */
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#7A5195', '#B8860B', '#2F4B7C', '#A05195'];
const OUTLIER = '#B0B7C3';
/** Below this width the map is drawn on a narrower canvas, so labels keep a readable size on a phone. */
const NARROW = 600;
const PAD = 28;

export const topicColour = (t) => (t < 0 ? OUTLIER : COLOURS[t % COLOURS.length]);

let view = null;
/** The topic shown alone (picked in the table), or null for all. */
let focused = null;
let drawnWidth = null;

function svg(tag, attrs) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

function build() {
  const panel = $('topics-view');
  const card = Object.assign(document.createElement('div'), { className: 'card' });
  const title = document.createElement('h2');
  title.append('Topics ', Object.assign(document.createElement('span'), { id: 'topics-name', className: 'small-note' }));
  const wrap = Object.assign(document.createElement('div'), { className: 'map-wrap' });
  const map = svg('svg', { id: 'topics-map', role: 'img', 'aria-label': 'Documents coloured by topic', preserveAspectRatio: 'xMidYMid meet' });
  const tip = Object.assign(document.createElement('div'), { id: 'topics-tooltip', className: 'topics-tip', hidden: true });
  wrap.append(map, tip);
  const hint = Object.assign(document.createElement('p'), { className: 'hint', textContent: 'Hover a point (tap on a phone) to read its document; pick a topic in the table to show it alone.' });
  const table = Object.assign(document.createElement('table'), { id: 'topics-table', className: 'topics-table' });
  const head = table.createTHead().insertRow();
  for (const h of ['topic', 'size', 'keywords', 'representative document']) head.append(Object.assign(document.createElement('th'), { textContent: h }));
  table.createTBody();
  card.append(title, Object.assign(document.createElement('p'), { id: 'topics-summary', className: 'hint' }), wrap, hint, table);
  panel.append(card);
}

function summary(v) {
  const parts = [`${v.mapped.toLocaleString()} documents`, v.singleCluster ? 'one cluster: HDBSCAN found no split, so every document is in topic 0' : `${v.topics.length} topics`];
  if (v.outliers) parts.push(`${v.outliers.toLocaleString()} outliers (grey)`);
  const skipped = v.skipped.empty + v.skipped.unknown;
  if (skipped) parts.push(`${skipped} skipped (${v.skipped.empty} empty, ${v.skipped.unknown} without a known word)`);
  parts.push(`model ${v.model}`);
  return parts.join(' · ');
}

function hideTip() {
  $('topics-tooltip').hidden = true;
}

/** Shows a document's topic and text beside its point, kept inside the map's box. */
function showTip(p, cx, cy, W, H) {
  const tip = $('topics-tooltip');
  const topic = view.topics[p.topic];
  tip.replaceChildren();
  const head = Object.assign(document.createElement('div'), { className: 'tip-head' });
  const dot = Object.assign(document.createElement('span'), { className: 'swatch' });
  dot.style.background = topicColour(p.topic);
  head.append(dot, p.topic < 0 ? 'outlier' : `topic ${p.topic} · ${topic.keywords.slice(0, 3).join(' · ')}`);
  tip.append(head, Object.assign(document.createElement('div'), { className: 'tip-text', textContent: p.text }));
  tip.dataset.index = String(p.index);
  tip.hidden = false;
  const box = $('topics-map').getBoundingClientRect();
  const x = (cx / W) * box.width;
  const y = (cy / H) * box.height;
  const left = Math.max(0, Math.min(box.width - tip.offsetWidth, x - tip.offsetWidth / 2));
  // Below the point when there is room, else above it.
  const top = y + 12 + tip.offsetHeight <= box.height ? y + 12 : Math.max(0, y - 12 - tip.offsetHeight);
  tip.style.left = `${left}px`;
  tip.style.top = `${top}px`;
}

function draw() {
  const map = $('topics-map');
  const [W, H] = (map.parentElement.clientWidth || window.innerWidth) < NARROW ? [400, 480] : [800, 560];
  drawnWidth = W;
  map.setAttribute('viewBox', `0 0 ${W} ${H}`);
  hideTip();
  const xs = view.points.map((p) => p.x);
  const ys = view.points.map((p) => p.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const px = (x) => PAD + ((x - x0) / (x1 - x0 || 1)) * (W - 2 * PAD);
  const py = (y) => H - PAD - ((y - y0) / (y1 - y0 || 1)) * (H - 2 * PAD);
  const r = view.points.length > 3000 ? 2 : view.points.length > 800 ? 3 : 4.5;
  const dots = svg('g', { class: 'dots' });
  // Outliers first, so topic points are drawn over them.
  const order = [...view.points.filter((p) => p.topic < 0), ...view.points.filter((p) => p.topic >= 0)];
  for (const p of order) {
    const c = svg('circle', { cx: px(p.x).toFixed(1), cy: py(p.y).toFixed(1), r, fill: topicColour(p.topic), class: 'pt', 'data-index': p.index, 'data-topic': p.topic });
    const show = () => showTip(p, px(p.x), py(p.y), W, H);
    c.addEventListener('mouseenter', show);
    c.addEventListener('click', (e) => {
      e.stopPropagation();
      show();
    });
    c.addEventListener('mouseleave', hideTip);
    dots.append(c);
  }
  const labels = svg('g', { class: 'labels' });
  for (const l of view.labels) {
    const t = svg('text', { x: px(l.x).toFixed(1), y: py(l.y).toFixed(1), 'text-anchor': 'middle', 'data-topic': l.topic });
    t.textContent = l.keywords.join(' · ');
    labels.append(t);
  }
  map.replaceChildren(dots, labels);
  // A label near the edge is moved in, so no keyword is cut off.
  for (const t of labels.children) {
    const half = t.getComputedTextLength() / 2;
    const x = Number(t.getAttribute('x'));
    t.setAttribute('x', Math.max(half + 10, Math.min(W - half - 10, x)).toFixed(1));
  }
  map.onclick = hideTip;
  applyFocus();
}

/** Dims every topic but the focused one (all shown when none is). */
function applyFocus() {
  for (const el of $('topics-map').querySelectorAll('[data-topic]')) el.classList.toggle('dim', focused !== null && Number(el.dataset.topic) !== focused);
  for (const row of $('topics-table').tBodies[0].rows) row.classList.toggle('picked', Number(row.dataset.topic) === focused);
}

function fillTable() {
  const body = $('topics-table').tBodies[0];
  const rows = view.topics.map((t) => ({ topic: t.id, size: t.size, keywords: t.keywords.join(', '), text: t.representative }));
  if (view.outliers) rows.push({ topic: -1, size: view.outliers, keywords: '(documents in no topic)', text: '' });
  body.replaceChildren(
    ...rows.map((t) => {
      const tr = document.createElement('tr');
      tr.dataset.topic = String(t.topic);
      const id = document.createElement('td');
      const dot = Object.assign(document.createElement('span'), { className: 'swatch' });
      dot.style.background = topicColour(t.topic);
      id.append(dot, t.topic < 0 ? 'outliers' : String(t.topic));
      const cells = [String(t.size), t.keywords, t.text].map((text, i) => Object.assign(document.createElement('td'), { textContent: text, className: ['size', 'keywords', 'rep'][i] }));
      tr.append(id, ...cells);
      tr.addEventListener('click', () => {
        focused = focused === t.topic ? null : t.topic;
        applyFocus();
      });
      return tr;
    }),
  );
}

/** Draws the map when first shown, and again when the window has crossed the phone width since. */
function drawIfNeeded() {
  const width = $('topics-map').parentElement.clientWidth || window.innerWidth;
  if (drawnWidth === null || (width < NARROW ? 400 : 800) !== drawnWidth) draw();
}

async function init() {
  const answer = await viewData('/api/topics', 'topics');
  if (answer.topics === null) {
    // This server maps no collection: no Topics tab.
    document.body.dataset.topicsReady = 'absent';
    return;
  }
  view = answer;
  build();
  $('topics-name').textContent = view.name ?? '';
  $('topics-summary').textContent = summary(view);
  fillTable();
  // Redrawn when the window crosses the phone width, so labels stay readable.
  let pending = false;
  window.addEventListener('resize', () => {
    if (pending || $('topics-view').hidden) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      drawIfNeeded();
    });
  });
  registerTab('topics', { label: 'Topics', panel: $('topics-view'), onShow: drawIfNeeded });
  document.body.dataset.topicsReady = 'true';
}

init();
