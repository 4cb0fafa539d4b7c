#!/usr/bin/env node
// Writes the corpora the char model ships with (nothing is downloaded at run time):
//   public/corpora/code.txt     this project's own source, concatenated (≤ 300 KB)
//   public/corpora/grammar.txt  a generated corpus of nested brackets, quotes and wrapped lines,
//                               where hidden units can be seen to track depth, quotes and line length
// Usage: node scripts/make-corpus.mjs            (both)   node scripts/make-corpus.mjs grammar   (one)
// Both outputs are committed; rerun when the source has changed enough to matter.
import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'public', 'corpora');
const CODE_LIMIT = 300 * 1024;
const GRAMMAR_SIZE = 200 * 1024;

function listFiles(dir, extensions) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFiles(path, extensions));
    else if (extensions.some((e) => name.endsWith(e)) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

function makeCode() {
  // The math core first (the most regular code), then the rest of src, then the shaders.
  const files = [
    ...listFiles(join(root, 'src', 'core'), ['.ts']),
    ...listFiles(join(root, 'src'), ['.ts', '.tsx']).filter((f) => !f.startsWith(join(root, 'src', 'core'))),
    ...listFiles(join(root, 'shaders'), ['.wgsl']),
  ];
  let text = '';
  let used = 0;
  for (const file of files) {
    const body = readFileSync(file, 'utf8');
    const piece = `// ==== ${relative(root, file)} ====\n${body.endsWith('\n') ? body : body + '\n'}\n`;
    if (Buffer.byteLength(text + piece) > CODE_LIMIT) continue; // skip files that would pass the limit
    text += piece;
    used++;
  }
  return { text, note: `${used} of ${files.length} files` };
}

// A small seeded PRNG (mulberry32) so the grammar corpus is the same on every machine.
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'red', 'green', 'blue', 'cat', 'dog', 'fox', 'walk', 'run', 'jump',
  'near', 'far', 'up', 'down', 'left', 'right', 'sun', 'moon', 'star', 'tree', 'leaf', 'stone', 'river', 'hill'];
const PAIRS = { '(': ')', '[': ']', '{': '}' };

function makeGrammar() {
  const random = mulberry32(20161);
  const pick = (list) => list[Math.floor(random() * list.length)];
  // Tokens carry the depth they open or close, so the layout can indent continuation lines.
  function expr(depth, tokens) {
    const r = random();
    if (depth >= 4 || r < 0.3) tokens.push({ text: pick(WORDS) });
    else if (r < 0.42) tokens.push({ text: String(Math.floor(random() * 1000)) });
    else if (r < 0.6) {
      const n = 1 + Math.floor(random() * 5);
      tokens.push({ text: '"' + Array.from({ length: n }, () => pick(WORDS)).join(' ') + '"' });
    } else {
      const open = pick(Object.keys(PAIRS));
      tokens.push({ text: open, open: true });
      const n = 1 + Math.floor(random() * 4);
      for (let i = 0; i < n; i++) expr(depth + 1, tokens);
      tokens.push({ text: PAIRS[open], close: true });
    }
  }
  const WIDTH = 60;
  let out = '';
  while (out.length < GRAMMAR_SIZE) {
    const tokens = [{ text: pick(WORDS) }, { text: '=' }];
    const open = pick(Object.keys(PAIRS));
    tokens.push({ text: open, open: true });
    const n = 1 + Math.floor(random() * 4);
    for (let i = 0; i < n; i++) expr(1, tokens);
    tokens.push({ text: PAIRS[open], close: true }, { text: ';', glue: true });
    let line = '';
    let depth = 0;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i];
      const glued = token.glue || token.close || (i > 0 && tokens[i - 1].open);
      const piece = line === '' || glued ? token.text : ' ' + token.text;
      // An opener is glued to what follows it, so the break decision covers the whole run "([word".
      let run = piece.length;
      for (let j = i; tokens[j].open && j + 1 < tokens.length && !tokens[j + 1].close; j++) run += tokens[j + 1].text.length;
      if (!glued && line.trim() !== '' && line.length + run > WIDTH) {
        out += line + '\n';
        line = '  '.repeat(depth) + token.text;
      } else line += piece;
      if (token.open) depth++;
      if (token.close) depth--;
    }
    out += line + '\n';
  }
  return { text: out, note: 'seed 20161' };
}

mkdirSync(outDir, { recursive: true });
const which = process.argv[2];
for (const [name, make] of [['code', makeCode], ['grammar', makeGrammar]]) {
  if (which && which !== name) continue;
  const { text, note } = make();
  writeFileSync(join(outDir, `${name}.txt`), text);
  console.log(`public/corpora/${name}.txt: ${Buffer.byteLength(text)} bytes (${note})`);
}
