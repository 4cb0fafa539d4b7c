// `rnnlab lessons [--only id,id] [--seeds 1-10] [--engine cpu|webgpu]`: runs every lesson as the page does
// (its Config and seed, its class-time step budget) and prints, per lesson and seed, whether the card's claim
// held and from which step; then a table. The README's lesson table comes from this command.
import { LESSONS, type Lesson } from '../core/lessons';
import { loadCorpusFromDisk } from './corpus';
import { runLesson, type LessonRunResult } from '../train/lessonRun';
import { CliError, engineFlag, parseFlags, short } from './args';
import { createEngine } from './engines';

export const LESSONS_HELP = `rnnlab lessons [--only ID,ID] [--seeds 1-10] [--engine cpu|webgpu] [--full]

Runs each lesson of the course (src/core/lessons) for its class-time step budget, as the page runs it, and
judges its card's claim on every step. One JSON line per lesson and seed on stdout, then a table on stderr:
how many seeds held the claim, the median step from which it held, and one verdict in words. A seed's run
stops when its claim holds; --full trains every run for the whole budget.
Lessons: ${LESSONS.map((l) => l.id).join(', ')}.`;

function parseSeeds(text: string): number[] {
  const range = /^(\d+)-(\d+)$/.exec(text);
  const seeds = range ? Array.from({ length: Number(range[2]) - Number(range[1]) + 1 }, (_, i) => Number(range[1]) + i) : text.split(',').map(Number);
  if (seeds.length === 0 || seeds.length > 100 || !seeds.every((s) => Number.isSafeInteger(s) && s >= 0)) {
    throw new CliError(`lessons: --seeds takes "1-10" or "1,2,5", got "${short(text)}"`);
  }
  return seeds;
}

function chosen(only: string | undefined): Lesson[] {
  if (only === undefined) return [...LESSONS];
  return only.split(',').map((id) => {
    const lesson = LESSONS.find((l) => l.id === id.trim());
    if (!lesson) throw new CliError(`lessons: unknown lesson "${short(id)}" (lessons: ${LESSONS.map((l) => l.id).join(', ')})`);
    return lesson;
  });
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[(s.length - 1) >> 1];
}

export async function lessonsCommand(args: string[], out: (line: string) => void, err: (line: string) => void): Promise<number> {
  const flags = parseFlags('lessons', args, { values: ['only', 'seeds', 'engine'], switches: ['full'] });
  const lessons = chosen(flags.values.get('only'));
  const seeds = parseSeeds(flags.values.get('seeds') ?? '1-3');
  const engineKind = engineFlag('lessons', flags, 'cpu');
  const rows: string[] = ['| # | lesson | claim held | from step (median) | budget | verdict (first seed) |', '|---|---|---|---|---|---|'];
  let allHeld = true;
  for (const lesson of lessons) {
    const data = lesson.config.task === 'char' ? { text: loadCorpusFromDisk(lesson.config.corpus ?? 'code') } : {};
    const results: LessonRunResult[] = [];
    for (const seed of seeds) {
      const result = await runLesson(lesson, await createEngine(engineKind), { seed, data, stopWhenHeld: !flags.switches.has('full') });
      results.push(result);
      out(JSON.stringify(result));
      err(`rnnlab: ${lesson.id} seed ${seed}: ${result.verdict.status} after ${result.steps} steps (${(result.ms / 1000).toFixed(1)} s): ${result.verdict.text}`);
    }
    const held = results.filter((r) => r.verdict.status === 'holds');
    if (held.length < results.length) allHeld = false;
    const from = median(held.map((r) => r.firstHeld!));
    rows.push(`| ${LESSONS.indexOf(lesson) + 1} | ${lesson.title} | ${held.length} of ${results.length} seeds | ${from ?? '—'} | ${lesson.budget} | ${results[0].verdict.text} |`);
  }
  err(rows.join('\n'));
  return allHeld ? 0 : 1;
}
