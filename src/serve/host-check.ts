/**
 * The Host header check against DNS rebinding: a web page whose domain is made to resolve to 127.0.0.1 could
 * otherwise read a keyless local server from the visitor's browser. Its requests carry the page's own Host name,
 * so a server that accepts only the names it is really reached by is out of the page's reach.
 */

/** The names a server on a loopback address is reached by. */
export const LOCAL_HOSTS = ['localhost', '*.localhost', '127.0.0.1', '[::1]'];

const WILDCARD_ADDRESSES = new Set(['0.0.0.0', '::', '[::]']);
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i;

/**
 * Host names a server listening on `listenHost` accepts by default: none checked (undefined) on every interface
 * (0.0.0.0, ::), where whoever chose that exposes it on purpose; else the localhost names, and the listen host
 * itself when it is not a loopback address. `extra` names more ("*" accepts any; "*.example.org" any subdomain).
 */
export function defaultAllowedHosts(listenHost: string, extra: readonly string[] = []): string[] | undefined {
  if (extra.includes('*')) return undefined;
  if (WILDCARD_ADDRESSES.has(listenHost)) return extra.length > 0 ? [...LOCAL_HOSTS, ...extra] : undefined;
  const own = LOOPBACK.test(listenHost) ? [] : [listenHost.includes(':') && !listenHost.startsWith('[') ? `[${listenHost}]` : listenHost];
  return [...LOCAL_HOSTS, ...own, ...extra];
}

/** A predicate on a Host header value (port and a trailing dot ignored, any case); a missing header passes. */
export function hostMatcher(allowed: readonly string[]): (hostHeader: string | undefined) => boolean {
  const exact = new Set<string>();
  const suffixes: string[] = [];
  for (const a of allowed.map((h) => h.toLowerCase())) {
    if (a.startsWith('*.')) suffixes.push(a.slice(1));
    else exact.add(a);
  }
  return (hostHeader) => {
    if (hostHeader === undefined) return true;
    const name = hostName(hostHeader);
    return exact.has(name) || suffixes.some((s) => name.endsWith(s) && name.length > s.length);
  };
}

/** "Example.org.:8080" → "example.org", "[::1]:80" → "[::1]". */
function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  const name = h.startsWith('[') ? h.slice(0, h.indexOf(']') + 1) : h.replace(/:\d*$/, '');
  return name.replace(/\.$/, '');
}
