// The few globals src/core uses that are not ECMAScript but exist in every JavaScript runtime it runs in
// (browsers, workers, Node ≥ 18, Deno, Bun). Only tsconfig.core.json reads this file: there the DOM, Node and
// WebWorker types are absent, so core code can use these and nothing else of a host. The main tsconfig excludes
// it, since lib.dom declares the same names in full.

declare class TextEncoder {
  encode(input?: string): Uint8Array;
}

declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}

declare class URLSearchParams {
  constructor(init?: string);
  get(name: string): string | null;
  set(name: string, value: string): void;
  delete(name: string): void;
  toString(): string;
  [Symbol.iterator](): IterableIterator<[string, string]>;
}

interface AbortSignal {
  readonly aborted: boolean;
}

declare class AbortController {
  readonly signal: AbortSignal;
  abort(reason?: unknown): void;
}

declare const performance: { now(): number };

declare function setTimeout(callback: () => void, ms?: number): unknown;
