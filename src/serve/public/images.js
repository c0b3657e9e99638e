/* global document, FileReader */
// The explorer's Images tab: shown only when the server serves a model that takes pictures (a CLIP model). Pictures
// dropped or chosen here and captions typed here are embedded through /v1/embeddings (pictures as data URLs, the
// server's image items) into one space; a caption finds the nearest pictures, a picture the nearest captions and
// pictures, and the map shows both kinds in two dimensions (PCA of every vector, computed here).
import { $, api, explorerReady } from './api.js';
import { registerTab } from './tabs.js';

/** Inputs per /v1/embeddings request: pictures are sent whole, so requests stay well under the body limit. */
const PER_REQUEST = 16;
const TOP = 8;
const SVG = 'http://www.w3.org/2000/svg';

/** Everything embedded so far: { kind: 'image' | 'text', label, src?, vector }. */
const items = [];

function setStatus(text, isError = false) {
  const el = $('images-status');
  el.textContent = text;
  el.classList.toggle('error', isError);
}

const model = () => $('images-model').value;
const dot = (a, b) => a.reduce((s, x, i) => s + x * b[i], 0);

function readAsDataUrl(file) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result);
    r.onerror = () => reject(new Error(`cannot read ${file.name}`));
    r.readAsDataURL(file);
  });
}

/** Vectors for `inputs` (strings and { image } items), a few per request. */
async function embed(inputs) {
  const out = [];
  for (let i = 0; i < inputs.length; i += PER_REQUEST) {
    const part = inputs.slice(i, i + PER_REQUEST);
    const r = await api('/v1/embeddings', { method: 'POST', body: JSON.stringify({ model: model(), input: part, encoding_format: 'float' }) });
    out.push(...r.data.map((d) => d.embedding));
  }
  return out;
}

/** Pictures waiting in the drop zone (dropped files join those chosen in the file field). */
let pendingFiles = [];

async function addToGallery() {
  const files = [...pendingFiles];
  const captions = $('images-captions').value.split('\n').map((s) => s.trim()).filter((s) => s !== '');
  if (files.length === 0 && captions.length === 0) return setStatus('Choose or drop pictures, or type captions (one per line).', true);
  setStatus(`Embedding ${files.length} pictures and ${captions.length} captions…`);
  try {
    const urls = await Promise.all(files.map(readAsDataUrl));
    const vectors = await embed([...urls.map((image) => ({ image })), ...captions]);
    urls.forEach((src, k) => items.push({ kind: 'image', label: files[k].name, src, vector: vectors[k] }));
    captions.forEach((label, k) => items.push({ kind: 'text', label, vector: vectors[urls.length + k] }));
  } catch (err) {
    return setStatus(err.message, true);
  }
  pendingFiles = [];
  $('images-files').value = '';
  $('images-captions').value = '';
  $('images-drop-count').textContent = '';
  const pictures = items.filter((x) => x.kind === 'image').length;
  setStatus(`${pictures} pictures and ${items.length - pictures} captions in one space.`);
  $('images-view').dataset.items = String(items.length);
  drawMap();
}

/** Ranked items of one kind by similarity to `vector`. */
function nearest(vector, kind, skip) {
  return items
    .filter((x) => x.kind === kind && x !== skip)
    .map((x) => ({ item: x, score: dot(vector, x.vector) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, TOP);
}

function thumbList(list, ranked) {
  list.replaceChildren(
    ...ranked.map(({ item, score }) => {
      const li = document.createElement('li');
      li.className = 'thumb';
      const img = Object.assign(document.createElement('img'), { src: item.src, alt: item.label, title: item.label });
      const cap = document.createElement('span');
      cap.className = 'thumb-label';
      cap.textContent = `${item.label} · ${score.toFixed(3)}`;
      li.append(img, cap);
      return li;
    }),
  );
}

function captionList(list, ranked) {
  list.replaceChildren(
    ...ranked.map(({ item, score }) => {
      const li = document.createElement('li');
      li.className = 'caption';
      const text = document.createElement('span');
      text.className = 'caption-text';
      text.textContent = item.label;
      const s = document.createElement('span');
      s.className = 'score';
      s.textContent = score.toFixed(3);
      li.append(text, s);
      return li;
    }),
  );
}

async function findByText() {
  const q = $('images-text').value.trim();
  if (!q) return;
  if (!items.some((x) => x.kind === 'image')) return setStatus('Add pictures first: a caption is looked for among them.', true);
  try {
    const [v] = await embed([q]);
    thumbList($('images-text-results'), nearest(v, 'image'));
    $('images-text-results').dataset.query = q;
  } catch (err) {
    setStatus(err.message, true);
  }
}

async function findByPicture(file) {
  if (!file) return;
  if (items.length === 0) return setStatus('Add pictures or captions first: a picture is compared with them.', true);
  try {
    const src = await readAsDataUrl(file);
    $('images-query-preview').src = src;
    $('images-query-preview').hidden = false;
    const [v] = await embed([{ image: src }]);
    captionList($('images-query-captions'), nearest(v, 'text'));
    thumbList($('images-query-images'), nearest(v, 'image'));
    $('images-query-captions').dataset.query = file.name;
  } catch (err) {
    setStatus(err.message, true);
  }
}

/** The first two principal components of the rows (power iteration with deflation): x, y per row. */
function pca2(rows) {
  const n = rows.length;
  const d = rows[0].length;
  const mean = new Array(d).fill(0);
  for (const r of rows) r.forEach((x, j) => (mean[j] += x / n));
  const centred = rows.map((r) => r.map((x, j) => x - mean[j]));
  const components = [];
  for (let c = 0; c < 2; c++) {
    // A fixed start, so the same items always give the same map.
    let v = Array.from({ length: d }, (_, j) => Math.cos(j + 1 + c));
    for (let it = 0; it < 100; it++) {
      const w = new Array(d).fill(0);
      for (const r of centred) {
        const p = dot(r, v);
        r.forEach((x, j) => (w[j] += p * x));
      }
      for (const u of components) {
        const p = dot(w, u);
        w.forEach((_, j) => (w[j] -= p * u[j]));
      }
      const norm = Math.hypot(...w) || 1;
      v = w.map((x) => x / norm);
    }
    components.push(v);
  }
  return centred.map((r) => [dot(r, components[0]), dot(r, components[1])]);
}

function drawMap() {
  const svg = $('images-map');
  svg.replaceChildren();
  $('images-map-card').hidden = items.length < 3;
  if (items.length < 3) return;
  const W = 800;
  const H = 480;
  const PAD = 40;
  const xy = pca2(items.map((x) => x.vector));
  const xs = xy.map((p) => p[0]);
  const ys = xy.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const sx = (x) => PAD + ((x - x0) / (x1 - x0 || 1)) * (W - 2 * PAD);
  const sy = (y) => H - PAD - ((y - y0) / (y1 - y0 || 1)) * (H - 2 * PAD);
  items.forEach((item, i) => {
    const g = document.createElementNS(SVG, 'g');
    g.setAttribute('class', `point ${item.kind}`);
    g.setAttribute('transform', `translate(${sx(xy[i][0]).toFixed(1)} ${sy(xy[i][1]).toFixed(1)})`);
    const title = document.createElementNS(SVG, 'title');
    title.textContent = item.label;
    if (item.kind === 'image') {
      const frame = document.createElementNS(SVG, 'rect');
      Object.entries({ x: -17, y: -17, width: 34, height: 34, rx: 3 }).forEach(([k, v]) => frame.setAttribute(k, v));
      const img = document.createElementNS(SVG, 'image');
      Object.entries({ x: -16, y: -16, width: 32, height: 32, href: item.src }).forEach(([k, v]) => img.setAttribute(k, v));
      g.append(title, frame, img);
    } else {
      const dotEl = document.createElementNS(SVG, 'circle');
      dotEl.setAttribute('r', '4');
      const label = document.createElementNS(SVG, 'text');
      // Labels on the right half run leftwards, so none runs off the map.
      const leftwards = sx(xy[i][0]) > W / 2;
      label.setAttribute('x', leftwards ? '-7' : '7');
      label.setAttribute('y', '4');
      if (leftwards) label.setAttribute('text-anchor', 'end');
      label.textContent = item.label.length > 36 ? `${item.label.slice(0, 35)}…` : item.label;
      g.append(title, dotEl, label);
    }
    svg.append(g);
  });
}

function acceptDrops(zone, onFiles) {
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    onFiles([...e.dataTransfer.files].filter((f) => f.type.startsWith('image/')));
  });
}

async function init() {
  await explorerReady();
  let models;
  try {
    models = (await api('/api/models')).models.filter((m) => m.images);
  } catch {
    models = [];
  }
  if (models.length === 0) {
    // No model takes pictures: the page stays as it was.
    document.body.dataset.imagesReady = 'absent';
    return;
  }
  $('images-model').replaceChildren(...models.map((m) => Object.assign(document.createElement('option'), { value: m.name, textContent: m.name })));
  const showPending = () => ($('images-drop-count').textContent = pendingFiles.length ? `${pendingFiles.length} pictures ready` : '');
  $('images-files').addEventListener('change', () => {
    pendingFiles = [...$('images-files').files];
    showPending();
  });
  acceptDrops($('images-drop'), (files) => {
    pendingFiles.push(...files);
    showPending();
  });
  acceptDrops($('images-query-drop'), (files) => findByPicture(files[0]));
  $('images-query-file').addEventListener('change', () => findByPicture($('images-query-file').files[0]));
  $('images-add').addEventListener('click', addToGallery);
  $('images-model').addEventListener('change', () => {
    // Another model is another space: what was embedded no longer compares.
    items.length = 0;
    $('images-view').dataset.items = '0';
    for (const id of ['images-text-results', 'images-query-captions', 'images-query-images']) $(id).replaceChildren();
    drawMap();
    setStatus('');
  });
  $('images-text-form').addEventListener('submit', (e) => {
    e.preventDefault();
    findByText();
  });
  registerTab('images', { label: 'Images', panel: $('images-view'), onShow: () => $('images-text').focus() });
  document.body.dataset.imagesReady = 'true';
}

init();
