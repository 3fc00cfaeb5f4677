/**
 * The embed's `origin=` flag: the one page origin the lab talks to. An origin
 * is `scheme://host[:port]` and nothing else; anything looser (a path, a
 * query, a #fragment, user@host, port 99999, which made postMessage throw and
 * left the embed at "starting…") is refused. Pure TS.
 */

/** The serialized origin (as MessageEvent.origin shows it), or null when `raw` is not exactly an http(s) origin. */
export function parseOrigin(raw: string): string | null {
  // Shape first: URL would quietly drop a path, query, fragment or user name and still give an origin.
  if (!/^https?:\/\/[^/?#@\\\s]+$/i.test(raw) || raw.endsWith(':')) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null; // a bad host or a port over 65535
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return null;
  if (url.port === '0') return null;
  return url.origin;
}

/** The raw `origin=` flag of a link (after `#`, or `?`), or null when it has none. Never throws. */
export function originFlag(href: string): string | null {
  try {
    const at = href.indexOf('#') >= 0 ? href.indexOf('#') : href.indexOf('?');
    return at < 0 ? null : new URLSearchParams(href.slice(at + 1)).get('origin');
  } catch {
    return null;
  }
}
