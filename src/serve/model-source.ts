/**
 * Where a served model came from, as /api/models and the page show it to any client: a file or model directory
 * by its name only (not the server's directory layout), a hub id as given, a remote API by its origin and path only (no user,
 * password, query string, `;` parameters or fragment, where keys and tokens tend to be put).
 */
export function publicSource(spec: string): string {
  // A hub id (hf:ORG/NAME@revision) is public as it is.
  if (spec.startsWith('hf:')) return spec;
  if (/^https?:\/\//i.test(spec)) {
    try {
      const url = new URL(spec);
      return `${url.protocol}//${url.host}${url.pathname.replace(/;.*$/, '')}`;
    } catch {
      return 'remote';
    }
  }
  const parts = spec.split(/[\\/]+/).filter((p) => p !== '');
  return parts.at(-1) ?? spec;
}
