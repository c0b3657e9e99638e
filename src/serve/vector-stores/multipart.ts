/** At most this many parts: a form with more is not an upload this server understands. */
export const MAX_PARTS = 32;
/** Headers of one part (Content-Disposition and Content-Type) fit easily in this. */
export const MAX_PART_HEADER_BYTES = 8192;
/** A plain field (purpose, expires_after[...]) is short; a longer one is refused rather than kept in memory. */
export const MAX_FIELD_BYTES = 64 * 1024;

/**
 * The boundary of a multipart/form-data content type (RFC 7578 / RFC 2046: 1 to 70 characters, optionally quoted),
 * or null when the header names none.
 */
export function multipartBoundary(contentType: string | undefined): string | null {
  if (!contentType || !/^multipart\/form-data\s*(;|$)/i.test(contentType)) return null;
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : null;
}

export function parseHeaders(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/**
 * A parameter of a Content-Disposition header: quoted (with backslash escapes, as browsers and undici send them),
 * or a bare token; RFC 5987's `filename*=UTF-8''...` wins over `filename` when both are present.
 */
export function dispositionParam(header: string, param: string): string | null {
  const extended = new RegExp(`;\\s*${param}\\*\\s*=\\s*([^']*)'[^']*'([^;]*)`, 'i').exec(header);
  if (extended && /^utf-8$/i.test(extended[1])) {
    try {
      return decodeURIComponent(extended[2].trim());
    } catch {
      // not valid percent-encoding: fall back to the plain parameter
    }
  }
  const m = new RegExp(`;\\s*${param}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, 'i').exec(header);
  if (!m) return null;
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2];
}
