#!/usr/bin/env node
// Reproduces the checkpoint the char-RNN lesson opens with, public/checkpoints/char-grammar-lstm64.safetensors,
// with the project's own CLI: the lesson's Config (src/core/lessons/charRnn.ts: an LSTM with H = 64 on the
// generated grammar corpus, T = 50, B = 16, Adam 0.005, clipping by norm at 5), seed 1, for STEPS steps on the
// CPU engine, which computes in float64 with plain loops, so the same source gives the same file on every
// machine. The settings are spelled out as a link (not `lesson=char`), so the file's own metadata holds them
// all; tests/unit/lesson-char.test.ts checks that they are the lesson's.
// Usage: npm run checkpoint:char   (node scripts/train-char-checkpoint.mjs [--steps N] [--out FILE])
// The lesson file (src/core/lessons/charRnn.ts) and its test (tests/unit/lesson-char.test.ts) name this file.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CONFIG = 'task=char&corpus=grammar&T=50&B=16&cell=lstm&H=64&layers=1&init=orthogonal&bias=default&wrec=1&opt=adam&lr=0.005&clip=norm&clipAt=5&seed=1';
const STEPS = 2000;

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const steps = Number(flag('steps', STEPS));
const target = resolve(root, flag('out', join('public', 'checkpoints', 'char-grammar-lstm64.safetensors')));
const work = mkdtempSync(join(tmpdir(), 'rnnlab-char-'));
const started = Date.now();
console.error(`train-char-checkpoint: rnnlab train --config "${CONFIG}" --steps ${steps} --engine cpu (minutes on one core)`);
// `npx --no-install rnnlab train …`, without npx's own start-up
const child = spawn(process.execPath, [join(root, 'bin', 'rnnlab.mjs'), 'train', '--config', CONFIG, '--steps', String(steps), '--engine', 'cpu', '--out', work], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'], // stdout is one JSON line per step; the progress on stderr is enough
});
child.on('exit', (code) => {
  if (code !== 0) {
    console.error(`train-char-checkpoint: rnnlab train exited with ${code}`);
    rmSync(work, { recursive: true, force: true });
    process.exit(code ?? 1);
  }
  copyFileSync(join(work, 'model.safetensors'), target);
  rmSync(work, { recursive: true, force: true });
  const seconds = Math.round((Date.now() - started) / 1000);
  console.error(`train-char-checkpoint: wrote ${target} (${statSync(target).size} bytes) in ${seconds} s`);
});
