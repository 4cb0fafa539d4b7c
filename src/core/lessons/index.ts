// The course, in order: one lesson per file, each a Config, a card and a claim (types.ts). The page's lesson
// path, the `lesson=` / `preset=` link key, the CLI (`rnnlab train --config "lesson=…"`, `rnnlab lessons`) and
// the claim tests all read this list.
import { decodeConfig, defaultConfig, encodeConfig, type Config, type DecodeResult } from '../config';
import { clipping } from './clipping';
import { charRnn } from './charRnn';
import { echoState } from './echoState';
import { exploding } from './exploding';
import { greff } from './greff';
import { gru } from './gru';
import { identityInit } from './identityInit';
import { lstm } from './lstm';
import { penalties } from './penalties';
import { recurrentNet } from './recurrentNet';
import { truncatedBptt } from './truncatedBptt';
import type { Lesson } from './types';
import { vanishing } from './vanishing';

export type { Lesson, Verdict, VerdictStatus, ChartId, Paper } from './types';
export { Evidence, carriedToStart, flowWords, type LessonFrame } from './evidence';

export const LESSONS: readonly Lesson[] = [
  recurrentNet,
  vanishing,
  exploding,
  clipping,
  truncatedBptt,
  penalties,
  identityInit,
  echoState,
  lstm,
  gru,
  charRnn,
  greff,
];

export function lessonById(id: string): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}

/** 1-based place in the course. */
export function lessonNumber(lesson: Lesson): number {
  return LESSONS.indexOf(lesson) + 1;
}

/** The lessons before and after, for Previous / Next. */
export function neighbours(lesson: Lesson): { previous: Lesson | null; next: Lesson | null } {
  const i = LESSONS.indexOf(lesson);
  return { previous: LESSONS[i - 1] ?? null, next: LESSONS[i + 1] ?? null };
}

/** The classroom keys belong to the page, not to a lesson: a lesson chosen in an embed stays embedded. */
const PAGE_KEYS = ['seed', 'engine', 'embed', 'presenter', 'hide'] as const;

/** The full Config of a lesson: defaults, the page's classroom keys from `base`, the lesson's settings, its id. */
export function lessonConfig(lesson: Lesson, base: Config = defaultConfig()): Config {
  const page: Partial<Config> = {};
  for (const key of PAGE_KEYS) (page as Record<string, unknown>)[key] = base[key];
  return { ...defaultConfig(), ...page, ...lesson.config, preset: lesson.id };
}

/**
 * Reads a link (or the CLI's --config) with its lesson: `lesson=<id>` (or `preset=<id>`) starts from that
 * lesson's Config, and every other key in the link applies on top, so a short lesson link reproduces the
 * lesson exactly and a longer one its changes. An unknown id is named in a notice. Never throws.
 */
export function decodeRun(input: string): DecodeResult {
  const decoded = decodeConfig(input);
  const id = decoded.config.preset;
  if (id === '') return decoded;
  const lesson = lessonById(id);
  if (!lesson) {
    return { ...decoded, config: { ...decoded.config, preset: "" }, notices: [...decoded.notices, `unknown lesson "${id.slice(0, 40)}"; lessons are ${LESSONS.map((l) => l.id).join(', ')}`] };
  }
  const config = lessonConfig(lesson);
  for (const key of decoded.given) (config as Record<string, unknown>)[key] = (decoded.config as Record<string, unknown>)[key];
  config.preset = lesson.id;
  return { config, notices: decoded.notices, given: decoded.given };
}

/**
 * The link of a run: only what differs from its lesson's Config (or from the defaults), so it stays short. The
 * page's own keys (seed, engine, embed, presenter, hide) are compared with their defaults, so a pinned engine
 * or a seed is written.
 */
export function encodeRun(config: Config): string {
  const lesson = lessonById(config.preset);
  return encodeConfig(config, lesson ? lessonConfig(lesson) : undefined);
}
