// Node-only: reads a shipped corpus from public/corpora (the CLI's way; the page fetches the same file).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHIPPED_CORPORA = ['code', 'grammar'] as const;
export type ShippedCorpus = (typeof SHIPPED_CORPORA)[number];

/**
 * The text of public/corpora/<name>.txt. Looks under `root` (default: the working directory, which is
 * the repo root for `npx rnnlab`) and then relative to this source file.
 */
export function loadCorpusFromDisk(name: string, root = process.cwd()): string {
  if (!(SHIPPED_CORPORA as readonly string[]).includes(name)) {
    throw new Error(`unknown corpus "${name}" (shipped: ${SHIPPED_CORPORA.join(', ')}; "user" text comes from a file you pass)`);
  }
  const candidates = [join(root, 'public', 'corpora', `${name}.txt`)];
  try {
    candidates.push(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'public', 'corpora', `${name}.txt`));
  } catch {
    // bundled without a file URL: the working directory is the only place to look
  }
  for (const path of candidates) if (existsSync(path)) return readFileSync(path, 'utf8');
  throw new Error(`corpus "${name}" not found (looked in ${candidates.join(', ')})`);
}
