// URL ⇄ Config, pure: strings in, strings out. The page calls these with window.location and
// history.replaceState; nothing here touches `window`, so it is tested like any function.
import { decodeRun, encodeRun } from '../core/lessons';
import { CONFIG_FIELDS, type Config, type DecodeResult } from '../core/config';
import { takeRace, withRace, type Contestant } from '../core/inspect/race';

/** The query of an address (without "?" and without the hash); '' when it has none. */
function queryOf(href: string): string {
  const withoutHash = href.split('#')[0];
  const q = withoutHash.indexOf('?');
  return q >= 0 ? withoutHash.slice(q + 1) : '';
}

/**
 * Reads the Config from a page URL (a full href, or a query string starting with "?"). Never throws.
 * Only the query is decoded: an address without one is the default Config. A `race` value is taken out
 * first (raceFromUrl reads it), so it is not reported as an unknown setting.
 */
export function configFromUrl(href: string): DecodeResult {
  const { query, notices } = takeRace(`?${queryOf(href)}`);
  const decoded = decodeRun(query ? `?${query}` : '');
  return notices.length ? { ...decoded, notices: [...decoded.notices, ...notices] } : decoded;
}

/** The race a link asks for (contestants empty when none), with notices about values it had to drop. */
export function raceFromUrl(href: string): { contestants: Contestant[]; notices: string[] } {
  const { contestants, notices } = takeRace(`?${queryOf(href)}`);
  return { contestants, notices };
}

/** The same page address with the query replaced by the Config's encoding (hash kept, a race kept). */
export function urlWithConfig(href: string, config: Config): string {
  const hashAt = href.indexOf('#');
  const hash = hashAt >= 0 ? href.slice(hashAt) : '';
  const beforeHash = hashAt >= 0 ? href.slice(0, hashAt) : href;
  const queryAt = beforeHash.indexOf('?');
  const base = queryAt >= 0 ? beforeHash.slice(0, queryAt) : beforeHash;
  const { contestants } = raceFromUrl(href);
  const query = contestants.length ? withRace(encodeRun(config), contestants) : encodeRun(config);
  return `${base}?${query}${hash}`;
}

/** Options of a shared link: pin the engine the run is on, and stop students' runs at a step count. */
export interface ShareOptions {
  pinEngine: 'cpu' | 'webgpu' | null; // null: the link lets each browser choose (engine=auto)
  pinSteps: number | null; // null: keep the Config's own `steps`
  embed?: boolean;
}

/** The Config a shared link carries. */
export function sharedConfig(config: Config, options: ShareOptions): Config {
  return {
    ...config,
    engine: options.pinEngine ?? 'auto',
    steps: options.pinSteps ?? config.steps,
    embed: options.embed ?? config.embed,
  };
}

/** Text for an HTML attribute value in a snippet the user copies (never parsed by this page). */
function attributeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The <iframe> snippet that embeds a link (its Config should have embed on). */
export function iframeSnippet(url: string, width = 960, height = 640): string {
  return `<iframe src="${attributeText(url)}" width="${width}" height="${height}" style="border:0" title="rnnlab: a recurrent network training" loading="lazy"></iframe>`;
}

/** Control groups a link can hide as a whole (besides single controls, named by their Config key). */
export const CONTROL_GROUPS = ['task', 'model', 'training'] as const;

/**
 * The controls a `hide` value names ("lr,clip,model"): Config keys (the W_rec slider is `wrec`) and groups,
 * a group as 'group:<name>'. 'task' is both a field and a group: the group hides the field with it.
 * Unknown names are ignored: the value can only hide things, and is never used as markup or style.
 */
export function hiddenKeys(hide: string): Set<string> {
  const out = new Set<string>();
  for (const raw of hide.split(',')) {
    const key = raw.trim();
    if ((CONTROL_GROUPS as readonly string[]).includes(key)) out.add(`group:${key}`);
    if (Object.prototype.hasOwnProperty.call(CONFIG_FIELDS, key)) out.add(key);
  }
  return out;
}
