import { GROUP_COLOURS } from './palette.ts';
import { drawGrid, FONT_STACK, startPlot } from './canvas-draw.ts';
import { inside, overlaps, type Box, type PlotOptions } from './plot-png.ts';

/** A scatter map: points coloured by group (−1: grey, ungrouped) and text labels at chosen places. */
export interface PointMap {
  points: { x: number; y: number; group: number }[];
  /** Drawn over the points, in this order, each moved aside where it would cover an earlier one. */
  labels: { x: number; y: number; text: string; group: number }[];
  /** A line under the map saying what it shows. */
  caption?: string;
}

const UNGROUPED = '#b8c0c8';

/**
 * Draws a point map as a PNG (needs the optional `@napi-rs/canvas`): small translucent dots coloured by group,
 * ungrouped points grey beneath the rest, and each label in its group's colour on a white halo. The topic map of
 * `embedkit plot-topics` is one: documents as points, each topic's keywords at its centre.
 */
export function renderPointMapPng(map: PointMap, options: PlotOptions = {}): Buffer {
  const { canvas, ctx, width, height, pad } = startPlot(options);
  const colour = (group: number) => (group < 0 ? UNGROUPED : GROUP_COLOURS[group % GROUP_COLOURS.length]);
  if (map.points.length > 0) {
    const xs = map.points.map((p) => p.x);
    const ys = map.points.map((p) => p.y);
    const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const scale = Math.min((width - pad.left - pad.right - 40) / (maxX - minX || 1), (height - pad.top - pad.bottom - 40) / (maxY - minY || 1));
    const px = (x: number) => width / 2 + (x - (minX + maxX) / 2) * scale;
    const py = (y: number) => (height + pad.top - pad.bottom) / 2 - (y - (minY + maxY) / 2) * scale;
    drawGrid(ctx, width, height, pad);
    const radius = map.points.length > 5000 ? 1.8 : map.points.length > 1000 ? 2.5 : 3.5;
    // Ungrouped points first, so grouped ones stay visible on top.
    for (const pass of [true, false]) {
      for (const p of map.points) {
        if (p.group < 0 !== pass) continue;
        ctx.beginPath();
        ctx.arc(px(p.x), py(p.y), radius, 0, 2 * Math.PI);
        ctx.fillStyle = colour(p.group);
        ctx.globalAlpha = p.group < 0 ? 0.5 : 0.7;
        ctx.fill();
      }
    }
    ctx.globalAlpha = 1;
    const placed: Box[] = [];
    ctx.textBaseline = 'top';
    for (const l of map.labels) {
      ctx.font = `bold 15px ${FONT_STACK}`;
      const w = ctx.measureText(l.text).width;
      const x0 = px(l.x) - w / 2;
      const y0 = py(l.y) - 8;
      const candidates = [0, -20, 20, -40, 40, -60, 60].map((dy) => ({ x: Math.min(Math.max(x0, 4), width - w - 4), y: y0 + dy, w, h: 16 }));
      const box = candidates.find((b) => inside(b, width, height) && !placed.some((o) => overlaps(b, o))) ?? candidates[0];
      placed.push(box);
      ctx.lineWidth = 4;
      ctx.strokeStyle = 'rgba(255,255,255,0.92)';
      ctx.strokeText(l.text, box.x, box.y);
      ctx.fillStyle = colour(l.group);
      ctx.fillText(l.text, box.x, box.y);
    }
    ctx.textBaseline = 'alphabetic';
  }
  if (map.caption) {
    ctx.font = `13px ${FONT_STACK}`;
    ctx.fillStyle = '#7b8794';
    ctx.fillText(map.caption, pad.left, height - 14);
  }
  return canvas.toBuffer('image/png');
}
