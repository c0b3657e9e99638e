// Seeded mutation of valid inputs, shared by every fuzz test. The same seed gives the same mutants, so a failure
// seen once is replayed by rerunning with the seed the failing test prints.

/** Mutants per target: a few thousand in the ordinary suite, as many as `EMBEDKIT_FUZZ_MUTANTS` asks for in `npm run fuzz`. */
export function fuzzCount(inSuite = 2000): number {
  const asked = Number(process.env.EMBEDKIT_FUZZ_MUTANTS);
  return Number.isInteger(asked) && asked > 0 ? asked : inSuite;
}

/** Seed of a fuzz run: `EMBEDKIT_FUZZ_SEED` replays a reported run, otherwise a fixed seed keeps CI repeatable. */
export function fuzzSeed(fixed = 1): number {
  const asked = Number(process.env.EMBEDKIT_FUZZ_SEED);
  return Number.isInteger(asked) ? asked : fixed;
}

/** mulberry32: small, fast and good enough to pick mutation sites. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Values that tend to break parsers: boundaries of integer widths, the bytes of non-finite float32s, and finite
// values so large that a sum or a square of two of them overflows float32.
const INTERESTING_TEXT = [
  '0', '-1', '1e9', '2147483647', '4294967296', '1e12', 'NaN', 'inf', '-Infinity', '', ' ', '\n', '\t', '\r\n', '\u00e9', '\uffff',
  '3.4e38', '-3.4028234e38', '1e39', '1e30', '1e-45', '0x10', '1e',
];
const INTERESTING_BYTES = [
  [0x00, 0x00, 0xc0, 0x7f], // NaN
  [0x00, 0x00, 0x80, 0x7f], // +Inf
  [0x00, 0x00, 0x80, 0xff], // -Inf
  [0xff, 0xff, 0xff, 0x7f], // int32 max
  [0xff, 0xff, 0xff, 0xff], // -1
  [0x00, 0x00, 0x00, 0x80], // int32 min
  [0xff, 0xff, 0x7f, 0x7f], // float32 max (3.4e38)
  [0xff, 0xff, 0x7f, 0xff], // -float32 max
  [0xca, 0xf2, 0x49, 0x71], // 1e30
];

/**
 * One mutant of `input`: one to four edits (bit flip, byte set, insert, delete, truncate, duplicate a span, splice
 * an interesting value, or for text a whole line duplicated, dropped or moved, or a whole token replaced by an
 * interesting value: "NaN" spliced into "0.123" gives "NaN23", which no reader takes for a number).
 */
export function mutate(input: Uint8Array, random: () => number): Uint8Array {
  let bytes: Uint8Array = Uint8Array.from(input);
  const edits = 1 + Math.floor(random() * 4);
  const pick = (n: number): number => Math.floor(random() * Math.max(1, n));
  for (let e = 0; e < edits; e++) {
    // A quarter of the edits land in the first 16 B to 2 KiB, where headers and dictionaries are: a uniform site in
    // a file that is mostly matrix data would rarely touch them.
    const at = random() < 0.25 ? pick(Math.min(bytes.length, 1 << (4 + pick(8)))) : pick(bytes.length);
    switch (pick(9)) {
      case 0:
        if (bytes.length > 0) bytes[at] ^= 1 << pick(8);
        break;
      case 1:
        if (bytes.length > 0) bytes[at] = pick(256);
        break;
      case 2:
        bytes = concat(bytes.subarray(0, at), Uint8Array.of(pick(256)), bytes.subarray(at));
        break;
      case 3:
        bytes = concat(bytes.subarray(0, at), bytes.subarray(Math.min(bytes.length, at + 1 + pick(16))));
        break;
      case 4:
        bytes = bytes.subarray(0, at);
        break;
      case 5: {
        const end = Math.min(bytes.length, at + 1 + pick(64));
        bytes = concat(bytes.subarray(0, end), bytes.subarray(at, end), bytes.subarray(end));
        break;
      }
      case 6:
        bytes = lineEdit(bytes, at, pick(3), pick(bytes.length));
        break;
      case 7:
        bytes = replaceToken(bytes, at, new TextEncoder().encode(INTERESTING_TEXT[pick(INTERESTING_TEXT.length)]));
        break;
      default: {
        const value = random() < 0.5
          ? new TextEncoder().encode(INTERESTING_TEXT[pick(INTERESTING_TEXT.length)])
          : Uint8Array.from(INTERESTING_BYTES[pick(INTERESTING_BYTES.length)]);
        bytes = concat(bytes.subarray(0, at), value, bytes.subarray(Math.min(bytes.length, at + value.length)));
      }
    }
  }
  return bytes;
}

/** `count` mutants of `input` from `seed`, each with its index so a failure can be named and replayed. */
export function* mutants(input: Uint8Array, seed: number, count: number): Generator<{ index: number; bytes: Uint8Array }> {
  const random = rng(seed);
  for (let index = 0; index < count; index++) yield { index, bytes: mutate(input, random) };
}

/** The line holding byte `at` duplicated (0), dropped (1) or moved to the line holding byte `to` (2). */
function lineEdit(bytes: Uint8Array, at: number, how: number, to: number): Uint8Array {
  const start = lineStart(bytes, at);
  const nl = bytes.indexOf(0x0a, at);
  const end = nl < 0 ? bytes.length : nl + 1;
  const line = bytes.subarray(start, end);
  if (how === 0) return concat(bytes.subarray(0, end), line, bytes.subarray(end));
  const without = concat(bytes.subarray(0, start), bytes.subarray(end));
  if (how === 1) return without;
  const dest = lineStart(without, Math.min(to, without.length));
  return concat(without.subarray(0, dest), line, without.subarray(dest));
}

/** The token (bytes between spaces, tabs and newlines) holding byte `at` replaced by `value`. */
function replaceToken(bytes: Uint8Array, at: number, value: Uint8Array): Uint8Array {
  const separator = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
  let start = at;
  while (start > 0 && !separator(bytes[start - 1])) start--;
  let end = at;
  while (end < bytes.length && !separator(bytes[end])) end++;
  return concat(bytes.subarray(0, start), value, bytes.subarray(end));
}

/** Where the line holding byte `i` starts (a negative index to lastIndexOf would search from the end). */
function lineStart(bytes: Uint8Array, i: number): number {
  return i <= 0 ? 0 : bytes.lastIndexOf(0x0a, i - 1) + 1;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
