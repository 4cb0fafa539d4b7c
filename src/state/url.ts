// URL ⇄ Config, pure: strings in, strings out. The page calls these with window.location and
// history.replaceState; nothing here touches `window`, so it is tested like any function.
import { decodeConfig, encodeConfig, type Config, type DecodeResult } from '../core/config';

/** Reads the Config from a page URL (full href or just its query string). Never throws. */
export function configFromUrl(href: string): DecodeResult {
  return decodeConfig(href);
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
