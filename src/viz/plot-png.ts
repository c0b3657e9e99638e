import { drawGrid, FONT_STACK, startPlot } from './canvas-draw.ts';
import type { WordMap } from './word-map.ts';
import { GROUP_COLOURS } from './palette.ts';

const METHOD_NAMES = { pca: 'PCA', tsne: 't-SNE', umap: 'UMAP' } as const;

export interface PlotOptions {
  width?: number;
  height?: number;
  title?: string;
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Draws a word map as a PNG: one colour per query word and its neighbours, query words larger and bold, labels
 * placed beside their point where they overlap no earlier label (query words are placed first).
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { loadEmbeddings } from 'embedkit';
 * import { renderWordMapPng, wordMap } from 'embedkit/viz';
 * const map = wordMap(await loadEmbeddings('vectors.bin'), ['king', 'cat'], { neighbours: 4 });
 * writeFileSync('map.png', renderWordMapPng(map, { title: 'king and cat' })); // needs the optional @napi-rs/canvas
 * ```
 */
export function renderWordMapPng(map: WordMap, options: PlotOptions = {}): Buffer {
  const { canvas, ctx, width, height, pad } = startPlot(options);
  const points = map.points;
  if (points.length === 0) return canvas.toBuffer('image/png');
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  // Same scale on both axes: distances on the map mean the same in every direction.
  const scale = Math.min((width - pad.left - pad.right - 120) / (maxX - minX || 1), (height - pad.top - pad.bottom - 40) / (maxY - minY || 1));
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  const px = (x: number) => width / 2 + (x - cx) * scale;
  const py = (y: number) => (height + pad.top - pad.bottom) / 2 - (y - cy) * scale;

  drawGrid(ctx, width, height, pad);
  const order = points.map((_, i) => i).sort((a, b) => Number(points[b].query) - Number(points[a].query));
  for (const i of [...order].reverse()) {
    const p = points[i];
    ctx.beginPath();
    ctx.arc(px(p.x), py(p.y), p.query ? 7 : 4.5, 0, 2 * Math.PI);
    ctx.fillStyle = GROUP_COLOURS[p.group % GROUP_COLOURS.length];
    ctx.globalAlpha = p.query ? 1 : 0.75;
    ctx.fill();
    ctx.globalAlpha = 1;
    if (p.query) {
      ctx.lineWidth = 2;
      ctx.strokeStyle = '#ffffff';
      ctx.stroke();
    }
  }
  const placed: Box[] = points.map((p) => ({ x: px(p.x) - 5, y: py(p.y) - 5, w: 10, h: 10 }));
  for (const i of order) {
    const p = points[i];
    const size = p.query ? 18 : 14;
    ctx.font = `${p.query ? 'bold ' : ''}${size}px ${FONT_STACK}`;
    const w = ctx.measureText(p.word).width;
    const x0 = px(p.x);
    const y0 = py(p.y);
    const candidates: Box[] = [
      { x: x0 + 9, y: y0 - size / 2, w, h: size },
      { x: x0 - 9 - w, y: y0 - size / 2, w, h: size },
      { x: x0 - w / 2, y: y0 - 10 - size, w, h: size },
      { x: x0 - w / 2, y: y0 + 10, w, h: size },
      { x: x0 + 9, y: y0 - size - 4, w, h: size },
      { x: x0 + 9, y: y0 + 4, w, h: size },
    ];
    const box = candidates.find((b) => inside(b, width, height) && !placed.some((o) => overlaps(b, o))) ?? candidates[0];
    placed.push(box);
    // A white halo keeps labels readable where points or lines pass under them.
    ctx.textBaseline = 'top';
    ctx.lineWidth = 3;
    ctx.strokeStyle = 'rgba(255,255,255,0.9)';
    ctx.strokeText(p.word, box.x, box.y);
    ctx.fillStyle = p.query ? GROUP_COLOURS[p.group % GROUP_COLOURS.length] : '#27313b';
    ctx.fillText(p.word, box.x, box.y);
  }
  ctx.textBaseline = 'alphabetic';
  ctx.font = `13px ${FONT_STACK}`;
  ctx.fillStyle = '#7b8794';
  ctx.fillText(`${METHOD_NAMES[map.method]} projection of ${points.length} words`, pad.left, height - 14);
  return canvas.toBuffer('image/png');
}

export function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

export function inside(b: Box, width: number, height: number): boolean {
  return b.x >= 2 && b.y >= 2 && b.x + b.w <= width - 2 && b.y + b.h <= height - 2;
}
