import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Canvas as CanvasImage, SKRSContext2D } from '@napi-rs/canvas';
import { requireOptional } from '../util/optional-import.ts';

/*
 * The canvas pieces every PNG plot shares. They live apart from the plot modules because their signatures name the
 * optional canvas package's types: the plots' public declarations must not, or a TypeScript user without
 * @napi-rs/canvas installed could not compile against embedkit/viz.
 */

/** Fonts with Chinese glyphs, registered when present (Debian's fonts-wqy-microhei). */
const CJK_FONTS = ['/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc'];
export const FONT_STACK = '"DejaVu Sans", "Liberation Sans", Arial, "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Sans CJK SC", sans-serif';
let fontsRegistered = false;

type Canvas = typeof import('@napi-rs/canvas');
let canvasLibrary: Canvas | undefined;

/** The native canvas, an optional package loaded on the first plot (so importing the server never loads it). */
export function canvasModule(): Canvas {
  canvasLibrary ??= requireOptional('@napi-rs/canvas', 'PNG plots', () => createRequire(import.meta.url)('@napi-rs/canvas') as Canvas);
  return canvasLibrary;
}

export function registerFonts(): void {
  if (fontsRegistered) return;
  const { GlobalFonts } = canvasModule();
  fontsRegistered = true;
  for (const path of CJK_FONTS) if (existsSync(path)) GlobalFonts.registerFromPath(path, path.includes('microhei') ? 'WenQuanYi Micro Hei' : 'WenQuanYi Zen Hei');
}

/** A plot begun: its canvas and context, its size, and the margins around the drawing area (wider at the top for a title). */
export interface PlotStart {
  canvas: CanvasImage;
  ctx: SKRSContext2D;
  width: number;
  height: number;
  pad: { left: number; right: number; top: number; bottom: number };
}

/** Begins every PNG plot the same way: a white canvas (1200 × 900 unless given) with the title, if any, at the top left. */
export function startPlot(options: { width?: number; height?: number; title?: string }): PlotStart {
  registerFonts();
  const { createCanvas } = canvasModule();
  const width = options.width ?? 1200;
  const height = options.height ?? 900;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  const top = options.title ? 60 : 30;
  const pad = { left: 40, right: 40, top, bottom: 40 };
  if (options.title) {
    ctx.fillStyle = '#1f2933';
    ctx.font = `bold 22px ${FONT_STACK}`;
    ctx.fillText(options.title, pad.left, 38);
  }
  return { canvas, ctx, width, height, pad };
}

export function drawGrid(ctx: SKRSContext2D, width: number, height: number, pad: { left: number; right: number; top: number; bottom: number }): void {
  ctx.strokeStyle = '#eef1f4';
  ctx.lineWidth = 1;
  for (let x = pad.left; x <= width - pad.right; x += 50) {
    ctx.beginPath();
    ctx.moveTo(x + 0.5, pad.top);
    ctx.lineTo(x + 0.5, height - pad.bottom);
    ctx.stroke();
  }
  for (let y = pad.top; y <= height - pad.bottom; y += 50) {
    ctx.beginPath();
    ctx.moveTo(pad.left, y + 0.5);
    ctx.lineTo(width - pad.right, y + 0.5);
    ctx.stroke();
  }
}
