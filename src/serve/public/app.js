/* global document, window, URLSearchParams */
// The explorer page: plain browser JavaScript, no build step. It talks to the JSON endpoints under /api.
import { $, api } from './api.js';

const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#7A5195', '#B8860B', '#2F4B7C', '#A05195'];
const SVG_NS = 'http://www.w3.org/2000/svg';
// `limits` comes from /api/models (the server's own bounds); the fallback only covers an older server.
const state = { models: [], model: undefined, limits: { mapWords: 30, mapNeighbours: 30, mapSentences: 30 } };

function query(params) {
  return new URLSearchParams({ ...(state.model ? { model: state.model } : {}), ...params }).toString();
}

function setStatus(el, text, isError = false) {
  el.textContent = text;
  el.classList.toggle('error', isError);
}

/** A ranked list with a bar for each score; clicking an item looks its word up. */
function renderList(ol, items, onClick = lookUp) {
  ol.replaceChildren(
    ...items.map(({ word, score }) => {
      const li = document.createElement('li');
      li.dataset.word = word;
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.style.width = `${Math.max(0, Math.min(1, score)) * 100}%`;
      const w = document.createElement('span');
      w.className = 'word';
      w.textContent = word;
      const s = document.createElement('span');
      s.className = 'score';
      s.textContent = score.toFixed(3);
      li.append(bar, w, s);
      li.title = onClick === lookUp ? `show the neighbours of ${word}` : word;
      li.addEventListener('click', () => onClick(word));
      return li;
    }),
  );
}

async function lookUp(word) {
  $('word-input').value = word;
  await findNeighbours();
}

async function findNeighbours() {
  const word = $('word-input').value.trim();
  if (!word) return;
  const status = $('neighbours-status');
  setStatus(status, 'searching…');
  try {
    const r = await api(`/api/similar?${query({ word, topn: $('topn-select').value })}`);
    renderList($('neighbours-list'), r.neighbours);
    setStatus(status, `${r.neighbours.length} nearest to “${r.word}”`);
  } catch (err) {
    $('neighbours-list').replaceChildren();
    setStatus(status, err.message, true);
  }
}

async function runAnalogy() {
  const [a, b, c] = ['analogy-a', 'analogy-b', 'analogy-c'].map((id) => $(id).value.trim());
  const status = $('analogy-status');
  setStatus(status, 'computing…');
  try {
    const r = await api(`/api/analogy?${query({ a, b, c, topn: 10 })}`);
    renderList($('analogy-results'), r.results);
    setStatus(status, `${a} : ${b} :: ${c} : ${r.results[0]?.word ?? '?'}`);
  } catch (err) {
    $('analogy-results').replaceChildren();
    setStatus(status, err.message, true);
  }
}

async function compare() {
  const a = $('sim-a').value.trim();
  const b = $('sim-b').value.trim();
  const out = $('similarity-result');
  try {
    const r = await api(`/api/similarity?${query({ a, b })}`);
    out.classList.remove('error');
    const big = document.createElement('span');
    big.className = 'big';
    big.textContent = r.similarity.toFixed(3);
    out.replaceChildren(big, document.createTextNode(`  cosine similarity of “${a}” and “${b}”`));
  } catch (err) {
    setStatus(out, err.message, true);
  }
}

function svg(tag, attrs) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

// Projections can take a while; only the newest request may draw, so a slow earlier one never replaces it.
let mapRequest = 0;

/** Empties the map (and its tooltip), so a failed or out-of-date request never leaves an older map on screen. */
function clearMap() {
  $('map').replaceChildren();
  delete $('map').dataset.method;
  $('map-tooltip').hidden = true;
}

/** Why the map request would be refused, in words; undefined when it is within the server's limits. */
function mapLimitProblem(words, neighbours) {
  const { mapWords, mapNeighbours } = state.limits;
  if (words.length > mapWords) return `Too many words for one map: ${words.length} (at most ${mapWords}).`;
  if (!Number.isInteger(neighbours) || neighbours < 0 || neighbours > mapNeighbours) return `Neighbours per word must be a whole number from 0 to ${mapNeighbours}.`;
  return undefined;
}

async function drawMap() {
  const words = $('map-words').value.split(/[\s,，、]+/).filter(Boolean);
  if (words.length === 0) return;
  const status = $('map-status');
  const method = $('map-method').value;
  const neighbours = $('map-neighbours').value === '' ? 0 : Number($('map-neighbours').value);
  const request = ++mapRequest;
  delete $('map').dataset.method;
  const problem = mapLimitProblem(words, neighbours);
  if (problem) {
    clearMap();
    setStatus(status, problem, true);
    return;
  }
  setStatus(status, `projecting with ${$('map-method').selectedOptions[0].textContent}…`);
  try {
    const r = await api('/api/projection', {
      method: 'POST',
      body: JSON.stringify({ model: state.model, words, neighbours, method }),
    });
    if (request !== mapRequest) return;
    renderMap(r);
    // Says which projection is on screen (for scripts and tests waiting on a redraw).
    $('map').dataset.method = method;
    const missing = r.missing.length ? ` · not in the vocabulary: ${r.missing.join(', ')}` : '';
    setStatus(status, `${r.points.length} words${missing}`, r.points.length === 0);
  } catch (err) {
    if (request !== mapRequest) return;
    clearMap();
    setStatus(status, err.message, true);
  }
}

/** The word map's elements; the sentence map passes its own (renderMap draws either). */
const WORD_MAP = { map: 'map', tooltip: 'map-tooltip', onClick: (p) => lookUp(p.word) };

/**
 * Scatter of the projected points: equal scale on both axes, query words larger and labelled in their colour.
 * A point may carry a `title` (a whole sentence) that its hover shows instead of its short label.
 */
function renderMap({ points }, target = WORD_MAP) {
  const map = $(target.map);
  const W = 800;
  const H = 560;
  const pad = 48;
  const tooltip = $(target.tooltip);
  // The circles go before the mouse can leave them (no mouseleave comes), so the tooltip is hidden here.
  tooltip.hidden = true;
  map.replaceChildren();
  for (let x = 0; x <= W; x += 50) map.append(svg('line', { class: 'gridline', x1: x, y1: 0, x2: x, y2: H }));
  for (let y = 0; y <= H; y += 50) map.append(svg('line', { class: 'gridline', x1: 0, y1: y, x2: W, y2: y }));
  if (points.length === 0) return;
  // The SVG is drawn in an 800-unit box scaled to its width: on a narrow screen labels in fixed units would shrink
  // to a few pixels, so they (and the points, less) grow by the shrink factor, up to 2.5×.
  const k = Math.min(2.5, Math.max(1, W / (map.getBoundingClientRect().width || W)));
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const scale = Math.min((W - 2 * pad - 80) / (x1 - x0 || 1), (H - 2 * pad) / (y1 - y0 || 1));
  const px = (x) => W / 2 + (x - (x0 + x1) / 2) * scale;
  const py = (y) => H / 2 - (y - (y0 + y1) / 2) * scale;
  const ordered = [...points].sort((a, b) => Number(a.query) - Number(b.query));
  const labels = svg('g', {});
  for (const p of ordered) {
    const colour = COLOURS[p.group % COLOURS.length];
    const c = svg('circle', { class: 'pt', cx: px(p.x), cy: py(p.y), r: (p.query ? 7 : 4.5) * Math.sqrt(k), fill: colour, 'fill-opacity': p.query ? 1 : 0.75, stroke: '#fff', 'stroke-width': p.query ? 2 : 1 });
    c.dataset.word = p.word;
    const title = svg('title', {});
    title.textContent = p.title ?? p.word;
    c.append(title);
    c.addEventListener('mouseenter', () => {
      tooltip.textContent = p.title ?? p.word;
      tooltip.hidden = false;
      const box = map.getBoundingClientRect();
      tooltip.style.left = `${(px(p.x) / W) * box.width}px`;
      tooltip.style.top = `${(py(p.y) / H) * box.height}px`;
    });
    c.addEventListener('mouseleave', () => (tooltip.hidden = true));
    c.addEventListener('click', () => {
      tooltip.hidden = true;
      target.onClick(p);
    });
    map.append(c);
  }
  map.append(labels);
  placeLabels(labels, [...points].sort((a, b) => Number(b.query) - Number(a.query)), px, py, W, H, k);
}

/**
 * Greedy label placement, the same for every projection: query words first, then neighbours. Each label is measured
 * as drawn (its real box, not an estimate) and put beside its point (right, left, above, below) where it overlaps no
 * point and no earlier label. A neighbour's label with no free place is left out (hovering the point still names
 * it); a query word's label looks further out, ring by ring, and is tied to its point by a thin line. UMAP packs a
 * word and its neighbours tightly, so query labels there often need the outer rings.
 */
function placeLabels(group, points, px, py, W, H, k) {
  const margin = 1.5 * k;
  const boxes = points.map((p) => ({ x: px(p.x) - 5 * k, y: py(p.y) - 5 * k, w: 10 * k, h: 10 * k }));
  const labelBoxes = [];
  const overlaps = (a, b) => a.x < b.x + b.w + margin && b.x < a.x + a.w + margin && a.y < b.y + b.h + margin && b.y < a.y + a.h + margin;
  const inside = (b) => b.x >= 0 && b.y >= 0 && b.x + b.w <= W && b.y + b.h <= H;
  const leaders = svg('g', { class: 'leaders' });
  group.append(leaders);
  for (const p of points) {
    const colour = COLOURS[p.group % COLOURS.length];
    const t = svg('text', { class: p.query ? 'query' : '', x: 0, y: 0 });
    if (p.query) t.style.fill = colour;
    t.style.fontSize = `${(p.query ? 14 : 12) * k}px`;
    t.textContent = p.word;
    group.append(t);
    // The text's box relative to its anchor (x, y) = (0, 0): the baseline sits `-bb.y` below the box's top.
    const bb = t.getBBox();
    const w = bb.width;
    const h = bb.height;
    const x0 = px(p.x);
    const y0 = py(p.y);
    const gap = (p.query ? 10 : 7) * k;
    const near = [
      { x: x0 + gap, y: y0 - h / 2 },
      { x: x0 - gap - w, y: y0 - h / 2 },
      { x: x0 - w / 2, y: y0 - gap - h },
      { x: x0 - w / 2, y: y0 + gap },
      { x: x0 + gap, y: y0 - h },
      { x: x0 + gap, y: y0 },
    ].map((b) => ({ ...b, w, h }));
    let spot = near.find((b) => inside(b) && !boxes.some((o) => overlaps(b, o)) && !labelBoxes.some((o) => overlaps(b, o)));
    let far = false;
    if (!spot && p.query) {
      // Rings further out, 16 directions each; a label faces its point with its nearest side.
      for (let ring = 1; ring <= 14 && !spot; ring++) {
        const r = gap + ring * h;
        for (let i = 0; i < 16 && !spot; i++) {
          const a = (i / 16) * 2 * Math.PI;
          const b = { x: x0 + r * Math.cos(a) - (w / 2) * (1 - Math.cos(a)), y: y0 + r * Math.sin(a) - (h / 2) * (1 - Math.sin(a)), w, h };
          if (inside(b) && !labelBoxes.some((o) => overlaps(b, o)) && !boxes.some((o) => overlaps(b, o))) spot = b;
        }
      }
      far = Boolean(spot);
      // A crowded map: over points if it must, never over another label.
      spot ??= near.find((b) => !labelBoxes.some((o) => overlaps(b, o)));
    }
    if (!spot) {
      t.remove();
      continue;
    }
    labelBoxes.push(spot);
    t.setAttribute('x', spot.x - bb.x);
    t.setAttribute('y', spot.y - bb.y);
    if (far) {
      const cx = Math.max(spot.x, Math.min(x0, spot.x + w));
      const cy = Math.max(spot.y, Math.min(y0, spot.y + h));
      leaders.append(svg('line', { class: 'leader', x1: x0, y1: y0, x2: cx, y2: cy, stroke: colour }));
    }
  }
}

function showApiExample() {
  const base = `${window.location.origin}/v1`;
  $('api-base').textContent = base;
  const model = state.model ?? 'MODEL';
  $('api-example').textContent =
    `curl ${base}/embeddings \\\n  -H 'Content-Type: application/json' \\\n  -d '{"model": "${model}", "input": ["the quick brown fox", "a lazy dog"]}'\n\n` +
    `# Node\nimport OpenAI from 'openai';\nconst client = new OpenAI({ baseURL: '${base}', apiKey: 'unused' });\n` +
    `const r = await client.embeddings.create({ model: '${model}', input: 'hello world' });`;
}

/** Empties every result, status and the map: they answered for the previous model. */
function clearResults() {
  for (const id of ['neighbours-status', 'analogy-status', 'similarity-result', 'map-status']) setStatus($(id), '');
  $('neighbours-list').replaceChildren();
  $('analogy-results').replaceChildren();
  // A projection still in flight for the previous model must not land on the new model's page.
  mapRequest++;
  clearMap();
  for (const id of ['sentence-similarity-result', 'sentence-nearest-status', 'sentence-map-status']) setStatus($(id), '');
  $('sentence-nearest-list').replaceChildren();
  sentenceMapRequest++;
  clearSentenceMap();
}

async function selectModel(name) {
  if (state.model !== undefined && state.model !== name) clearResults();
  state.model = name;
  const m = state.models.find((x) => x.name === name);
  if (!m) return;
  // A model without a word list (a transformer, a remote API) is a sentence model: its cards replace the word cards.
  const sentences = m.words === null;
  $('model-info').textContent = `${sentences ? 'sentence model' : `${m.words.toLocaleString()} words`} · dim ${m.dim}${m.subwords ? ' · subwords' : ''}${m.source ? ` · ${m.source}` : ''}`;
  for (const id of ['neighbours-card', 'analogy-card', 'map-card']) $(id).hidden = sentences;
  for (const id of ['sentences-card', 'sentence-map-card']) $(id).hidden = !sentences;
  showApiExample();
  if (sentences) {
    drawSentenceMap();
    return;
  }
  showAnalogyExamples(m.analogies, m.words);
  const ex = m.examples.length ? m.examples : [];
  $('word-input').placeholder = ex[0] ? `type a word, e.g. ${ex[0]}` : 'type a word…';
  if (!$('map-words').value && ex.length) $('map-words').value = ex.slice(0, 3).join(' ');
}

/**
 * The analogies this model answers right (the server scored it on the shipped questions-words set at start-up):
 * one-click examples, the first one filled in, and the model's accuracy on the whole set.
 */
function showAnalogyExamples(report, words) {
  const examples = (report?.examples ?? []).slice(0, 6);
  const box = $('analogy-examples');
  box.replaceChildren();
  $('analogy-eg').textContent = '';
  $('analogy-accuracy').textContent = '';
  for (const id of ['analogy-a', 'analogy-b', 'analogy-c']) $(id).value = '';
  if (!report || report.answered === 0) return;
  if (examples.length) {
    const label = document.createElement('span');
    label.className = 'try';
    label.textContent = 'try:';
    box.append(label);
  }
  for (const ex of examples) {
    const chip = document.createElement('button');
    chip.type = 'button';
    chip.className = 'chip';
    Object.assign(chip.dataset, { a: ex.a, b: ex.b, c: ex.c, expected: ex.expected });
    chip.textContent = `${ex.b} − ${ex.a} + ${ex.c}`;
    chip.title = `${ex.a} : ${ex.b} :: ${ex.c} : ${ex.expected}  (questions-words, ${ex.section})`;
    chip.addEventListener('click', () => {
      $('analogy-a').value = ex.a;
      $('analogy-b').value = ex.b;
      $('analogy-c').value = ex.c;
      runAnalogy();
    });
    box.append(chip);
  }
  const first = examples[0];
  if (first) {
    $('analogy-eg').textContent = `  e.g. ${first.a} : ${first.b} :: ${first.c} : ${first.expected}`;
    $('analogy-a').value = first.a;
    $('analogy-b').value = first.b;
    $('analogy-c').value = first.c;
  }
  const pct = (report.accuracy * 100).toFixed(1);
  $('analogy-accuracy').textContent =
    `This model answers ${report.correct.toLocaleString()} of ${report.answered.toLocaleString()} questions of the questions-words set right (${pct}%; questions whose words are among its ${Math.min(report.restrictVocab, words ?? Infinity).toLocaleString()} most frequent).`;
}

async function compareSentences() {
  const a = $('sentence-a').value.trim();
  const b = $('sentence-b').value.trim();
  const out = $('sentence-similarity-result');
  if (!a || !b) return;
  setStatus(out, 'comparing…');
  try {
    const r = await api('/api/sentences/similarity', { method: 'POST', body: JSON.stringify({ model: state.model, a, b }) });
    out.classList.remove('error');
    const big = document.createElement('span');
    big.className = 'big';
    big.textContent = r.similarity.toFixed(3);
    out.replaceChildren(big, document.createTextNode('  cosine similarity of the two sentences'));
  } catch (err) {
    setStatus(out, err.message, true);
  }
}

async function nearestSentences() {
  const text = $('sentence-query').value.trim();
  if (!text) return;
  const status = $('sentence-nearest-status');
  setStatus(status, 'searching…');
  try {
    const r = await api('/api/sentences/nearest', { method: 'POST', body: JSON.stringify({ model: state.model, text, topn: 5 }) });
    renderList($('sentence-nearest-list'), r.results.map((x) => ({ word: x.text, score: x.score })), (t) => {
      $('sentence-query').value = t;
      nearestSentences();
    });
    setStatus(status, `${r.results.length} nearest of the ${r.sample} sample sentences`);
  } catch (err) {
    $('sentence-nearest-list').replaceChildren();
    setStatus(status, err.message, true);
  }
}

let sentenceMapRequest = 0;
function clearSentenceMap() {
  $('sentence-map').replaceChildren();
  delete $('sentence-map').dataset.method;
  $('sentence-map-tooltip').hidden = true;
}

/** A sentence's label on the map: its first words (the whole sentence shows on hover). */
function shortLabel(text) {
  return text.length <= 28 ? text : `${text.slice(0, 26).replace(/\s+\S*$/, '')}…`;
}

async function drawSentenceMap() {
  const sentences = $('sentence-map-input').value.split('\n').map((l) => l.trim()).filter(Boolean);
  const status = $('sentence-map-status');
  const method = $('sentence-map-method').value;
  const request = ++sentenceMapRequest;
  delete $('sentence-map').dataset.method;
  if (sentences.length === 0) return;
  if (sentences.length > state.limits.mapSentences) {
    clearSentenceMap();
    setStatus(status, `Too many sentences for one map: ${sentences.length} (at most ${state.limits.mapSentences}).`, true);
    return;
  }
  setStatus(status, `projecting with ${$('sentence-map-method').selectedOptions[0].textContent}…`);
  try {
    const r = await api('/api/sentences/map', { method: 'POST', body: JSON.stringify({ model: state.model, sentences, method }) });
    if (request !== sentenceMapRequest) return;
    const points = r.points.map((p, i) => ({ word: shortLabel(p.text), title: p.text, x: p.x, y: p.y, group: i, query: true }));
    renderMap({ points }, {
      map: 'sentence-map',
      tooltip: 'sentence-map-tooltip',
      onClick: (p) => {
        $('sentence-query').value = p.title;
        nearestSentences();
      },
    });
    $('sentence-map').dataset.method = method;
    setStatus(status, `${points.length} sentences`);
  } catch (err) {
    if (request !== sentenceMapRequest) return;
    clearSentenceMap();
    setStatus(status, err.message, true);
  }
}

let suggestTimer;
function suggest(input) {
  clearTimeout(suggestTimer);
  suggestTimer = setTimeout(async () => {
    const prefix = input.value.trim();
    if (!prefix) return;
    try {
      const r = await api(`/api/suggest?${query({ prefix, limit: 12 })}`);
      $('word-suggestions').replaceChildren(...r.words.map((w) => Object.assign(document.createElement('option'), { value: w })));
    } catch {
      // Suggestions are a convenience: a failure here shows nothing.
    }
  }, 120);
}

async function init() {
  const submit = (id, f) => $(id).addEventListener('submit', (e) => { e.preventDefault(); f(); });
  submit('neighbours-form', findNeighbours);
  submit('analogy-form', runAnalogy);
  submit('similarity-form', compare);
  submit('map-form', drawMap);
  submit('sentence-similarity-form', compareSentences);
  submit('sentence-nearest-form', nearestSentences);
  submit('sentence-map-form', drawSentenceMap);
  $('sentence-map-method').addEventListener('change', () => drawSentenceMap());
  for (const id of ['word-input', 'analogy-a', 'analogy-b', 'analogy-c', 'sim-a', 'sim-b']) $(id).addEventListener('input', (e) => suggest(e.target));
  $('model-select').addEventListener('change', (e) => selectModel(e.target.value));
  $('map-method').addEventListener('change', () => { if ($('map-words').value.trim()) drawMap(); });
  try {
    const { models, limits } = await api('/api/models');
    state.models = models;
    if (limits) state.limits = limits;
    $('map-neighbours').max = String(state.limits.mapNeighbours);
    $('model-select').replaceChildren(...models.map((m) => Object.assign(document.createElement('option'), { value: m.name, textContent: m.name })));
    await selectModel(models[0]?.name);
    document.body.dataset.ready = 'true';
    if (models[0]?.words !== null && $('map-words').value) await drawMap();
  } catch (err) {
    setStatus($('neighbours-status'), `cannot reach the server: ${err.message}`, true);
  }
}

init();
