// Node-only: reads a shipped corpus from public/corpora (the CLI's and the tests' way; the page fetches the same file).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { SHIPPED_CORPORA } from '../core/config';

/** `start` and every folder above it, nearest first. */
function selfAndAncestors(start: string): string[] {
  const dirs = [start];
  for (let dir = dirname(start); dir !== dirs[dirs.length - 1]; dir = dirname(dir)) dirs.push(dir);
  return dirs;
}

/**
 * The text of public/corpora/<name>.txt. Looks under `root` (default: the working directory, which is
 * the repo root for `npx rnnlab`) and then above this module's file: the repository root holds public/ both
 * for this source file (src/cli/) and for the CLI's bundle (node_modules/.cache/rnnlab/).
 */
export function loadCorpusFromDisk(name: string, root = process.cwd()): string {
  if (!(SHIPPED_CORPORA as readonly string[]).includes(name)) {
    throw new Error(`unknown corpus "${name}" (shipped: ${SHIPPED_CORPORA.join(', ')}; "user" text comes from a file you pass)`);
  }
  const file = join('public', 'corpora', `${name}.txt`);
  const candidates = [join(root, file)];
  try {
    for (const dir of selfAndAncestors(dirname(fileURLToPath(import.meta.url)))) candidates.push(join(dir, file));
  } catch {
    // bundled without a file URL: the working directory is the only place to look
  }
  for (const path of candidates) if (existsSync(path)) return readFileSync(path, 'utf8');
  throw new Error(`corpus "${name}" not found (looked in ${[...new Set(candidates)].join(', ')})`);
}
