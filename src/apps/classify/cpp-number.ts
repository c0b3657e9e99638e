/**
 * Numbers printed as C++'s `std::ostream << double` prints them with `precision` significant digits (the
 * default 6, or std::setprecision): printf's %g: the shorter of fixed and scientific notation, trailing zeros
 * removed. fastText's `predict-prob` and `test` print their numbers this way; embedkit prints the same text.
 */
export function cppNumber(x: number, precision = 6): string {
  if (Number.isNaN(x)) return '-nan'; // glibc prints 0/0 (fastText's precision with no prediction) as -nan
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const p = Math.max(1, precision);
  const [mantissa, exp] = x.toExponential(p - 1).split('e');
  const e = Number(exp);
  if (e < -4 || e >= p) {
    const m = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
    const abs = Math.abs(e);
    return `${m}e${e < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  const fixed = x.toFixed(Math.max(0, p - 1 - e));
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}
