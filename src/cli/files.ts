// Reading the user's files with errors that name the file and the problem.
import { readFileSync, statSync } from 'node:fs';
import { CliError } from './args';

/** Files above this size are refused before they are read. */
const MAX_INPUT_BYTES = 2 * 1024 * 1024 * 1024 - 1;

export function readInputFile(what: string, path: string): Uint8Array {
  let size: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new CliError(`${what} "${path}" is a directory, not a file`);
    size = stat.size;
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`cannot read ${what} "${path}": ${systemMessage(e)}`);
  }
  if (size > MAX_INPUT_BYTES) throw new CliError(`${what} "${path}" is too large (${size} bytes)`);
  try {
    return readFileSync(path);
  } catch (e) {
    throw new CliError(`cannot read ${what} "${path}": ${systemMessage(e)}`);
  }
}

function systemMessage(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  return e instanceof Error ? e.message.split('\n')[0] : String(e);
}
