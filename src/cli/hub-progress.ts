import cliProgress from 'cli-progress';
import type { HubOptions, HubProgressEvent } from '../encoders/hub.ts';

/** Help of --offline, which every command that opens models takes for models by hub id. */
export const OFFLINE_HELP = 'models by hub id (hf:ORG/NAME[@revision]): use the cache only, never download (cache: $EMBEDKIT_CACHE, hub: $EMBEDKIT_HUB_URL)';

/**
 * Hub options for a command: --offline, and the downloads shown on stderr (unless quiet): a bar per file on a
 * terminal, a line per finished file otherwise. `close` ends the bars once the models are open.
 */
export function hubDownloads(flags: { offline?: boolean; quiet?: boolean }): { options: HubOptions; close(): void } {
  if (flags.quiet) return { options: { offline: flags.offline }, close: () => {} };
  const tty = Boolean(process.stderr.isTTY);
  let bars: cliProgress.MultiBar | undefined;
  const fileBars = new Map<string, cliProgress.SingleBar>();
  const show = (e: HubProgressEvent) => {
    if (!tty) {
      if (e.status === 'done') process.stderr.write(`embedkit: downloaded ${e.model} ${e.file} (${sizeOf(e.loaded)})\n`);
      return;
    }
    bars ??= new cliProgress.MultiBar({ stream: process.stderr, format: 'downloading {file} |{bar}| {size}', hideCursor: true }, cliProgress.Presets.shades_classic);
    const key = `${e.model} ${e.file}`;
    let bar = fileBars.get(key);
    const total = e.total ?? Math.max(e.loaded, 1);
    if (!bar) fileBars.set(key, (bar = bars.create(total, 0, { file: key, size: '' })));
    bar.setTotal(total);
    bar.update(e.loaded, { size: `${sizeOf(e.loaded)}${e.total ? ` / ${sizeOf(e.total)}` : ''}` });
  };
  return {
    options: { offline: flags.offline, onProgress: show },
    close: () => {
      bars?.stop();
      bars = undefined;
      fileBars.clear();
    },
  };
}

function sizeOf(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}
