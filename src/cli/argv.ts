/**
 * Accepts the reference tools' single-dash long flags (word2vec C's `-size 100 -iter 5`, fastText's `-minCount`)
 * by rewriting them to embedkit's double-dash names before commander parses the line.
 */
const ALIASES: Record<string, string> = {
  size: 'dim',
  iter: 'epochs',
  epoch: 'epochs',
  dim: 'dim',
  mincount: 'min-count',
  'min-count': 'min-count',
  'max-vocab': 'max-vocab-size',
  ws: 'window',
  neg: 'negative',
  lr: 'alpha',
  thread: 'threads',
  'cbow-mean': 'cbow-mean',
  'save-vocab': 'save-vocab',
  'read-vocab': 'read-vocab',
};

export function normalizeArgv(argv: string[], knownLong: ReadonlySet<string>): string[] {
  return argv.map((arg) => {
    // -size, -iter, -minCount...: one dash, then a word of two or more letters (not a negative number, not "-").
    const m = /^-([A-Za-z][A-Za-z-]+)(=.*)?$/.exec(arg);
    if (!m) return arg.startsWith('--') ? rename(arg) : arg;
    const name = kebab(m[1]);
    // The command's own flag of that name wins (GloVe's -max-vocab is train glove's --max-vocab).
    const target = knownLong.has(name) ? name : (ALIASES[name] ?? name);
    if (!knownLong.has(target)) return arg;
    return `--${target}${m[2] ?? ''}`;
  });

  function rename(arg: string): string {
    const m = /^--([^=]+)(=.*)?$/.exec(arg);
    if (!m) return arg;
    const target = ALIASES[m[1]];
    return target && knownLong.has(target) && !knownLong.has(m[1]) ? `--${target}${m[2] ?? ''}` : arg;
  }
}

function kebab(s: string): string {
  return s.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
}
