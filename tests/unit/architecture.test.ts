// The layering of src/, read from every import (static, re-export and dynamic) with TypeScript's own scanner:
// core imports only core (no package, no Node module); the engines only core, engine and shaders; training never
// the state or the UI; the state never the UI.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');
const src = join(root, 'src');

interface Import {
  file: string; // from the repository root
  specifier: string;
  target: string | null; // a relative import's path from the repository root; null for a package
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

const imports: Import[] = sourceFiles(src).flatMap((path) =>
  ts.preProcessFile(readFileSync(path, 'utf8'), true, true).importedFiles.map(({ fileName: specifier }) => ({
    file: relative(root, path),
    specifier,
    target: specifier.startsWith('.') ? relative(root, resolve(dirname(path), specifier.replace(/\?raw$/, ''))) : null,
  })),
);

const within = (path: string | null, folder: string) => path !== null && (path === folder || path.startsWith(`${folder}/`));

/** The imports of files under `from` that break the rule `allowed`, as "file → specifier". */
function violations(from: string, allowed: (i: Import) => boolean): string[] {
  return imports.filter((i) => within(i.file, from) && !allowed(i)).map((i) => `${i.file} → ${i.specifier}`);
}

describe('architecture: who may import whom in src/', () => {
  it('reads the imports of every layer', () => {
    for (const layer of ['src/core', 'src/engine', 'src/train', 'src/state', 'src/ui']) {
      expect(imports.filter((i) => within(i.file, layer)).length, layer).toBeGreaterThan(0);
    }
    // a dynamic import and a shader's ?raw import are seen too
    expect(imports.some((i) => i.file.startsWith('src/engine/') && i.specifier.endsWith('.wgsl?raw'))).toBe(true);
    expect(imports.some((i) => i.file === 'src/cli/engines.ts' && within(i.target, 'src/engine/webgpu'))).toBe(true);
  });

  it('core imports only core: no other layer, no package, no Node module', () => {
    expect(violations('src/core', (i) => within(i.target, 'src/core'))).toEqual([]);
  });

  it('the engines import only core, engine and shaders', () => {
    expect(violations('src/engine', (i) => i.target === null || ['src/core', 'src/engine', 'shaders'].some((f) => within(i.target, f)))).toEqual([]);
  });

  it('training imports neither the state nor the UI', () => {
    expect(violations('src/train', (i) => !within(i.target, 'src/state') && !within(i.target, 'src/ui'))).toEqual([]);
  });

  it('the state does not import the UI', () => {
    expect(violations('src/state', (i) => !within(i.target, 'src/ui'))).toEqual([]);
  });
});
