// URL ⇄ Config, pure: strings in, strings out. The page calls these with window.location and
// history.replaceState; nothing here touches `window`, so it is tested like any function.
import { decodeConfig, encodeConfig, type Config, type DecodeResult } from '../core/config';

/**
 * Reads the Config from a page URL (a full href, or a query string starting with "?"). Never throws.
 * Only the query is decoded: an address without one is the default Config.
 */
export function configFromUrl(href: string): DecodeResult {
  const withoutHash = href.split('#')[0];
  const q = withoutHash.indexOf('?');
  return decodeConfig(q >= 0 ? withoutHash.slice(q) : '');
}

/** The same page address with the query replaced by the Config's encoding (hash kept). */
export function urlWithConfig(href: string, config: Config): string {
  const hashAt = href.indexOf('#');
  const hash = hashAt >= 0 ? href.slice(hashAt) : '';
  const beforeHash = hashAt >= 0 ? href.slice(0, hashAt) : href;
  const queryAt = beforeHash.indexOf('?');
  const base = queryAt >= 0 ? beforeHash.slice(0, queryAt) : beforeHash;
  return `${base}?${encodeConfig(config)}${hash}`;
}
