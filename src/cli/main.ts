// The `rnnlab` command: grad, train, bench. Bad input exits with status 2 and one line "rnnlab: <problem>"
// on stderr, never a stack trace (set RNNLAB_DEBUG=1 to see one).
import { CliError } from './args';
import { firstLine } from './engines';
import { GRAD_HELP, gradCommand } from './grad';
import { LESSONS_HELP, lessonsCommand } from './lessons';
import { TRAIN_HELP, trainCommand } from './train';

const HELP = `rnnlab — recurrent networks, their gradients, and training, from the command line

Usage:
  rnnlab grad  --model M.safetensors --batch B.json [--engine cpu|webgpu]
  rnnlab train --config "<playground URL or query string>" --steps N [--engine cpu|webgpu] [--out DIR]
  rnnlab lessons [--only ID,ID] [--seeds 1-10]   every lesson's claim, measured
  rnnlab bench [...]           the WebGPU/CPU benchmark
  rnnlab <command> --help      details of one command`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const wantsHelp = args.includes('--help') || args.includes('-h');
  switch (command) {
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      await write(process.stdout, `${HELP}\n`);
      return command === undefined ? 2 : 0;
    case 'grad':
      if (wantsHelp) return (await write(process.stdout, `${GRAD_HELP}\n`), 0);
      await write(process.stdout, `${await gradCommand(args)}\n`);
      return 0;
    case 'train': {
      if (wantsHelp) return (await write(process.stdout, `${TRAIN_HELP}\n`), 0);
      return streamed(trainCommand, args);
    }
    case 'lessons': {
      if (wantsHelp) return (await write(process.stdout, `${LESSONS_HELP}\n`), 0);
      return streamed(lessonsCommand, args);
    }
    case 'bench': {
      const { runBench } = await import('./bench');
      await runBench(args);
      return 0;
    }
    default:
      throw new CliError(`unknown command "${command.slice(0, 40)}" (expected grad, train, lessons or bench; see rnnlab --help)`);
  }
}

/** Runs a command that prints JSON lines on stdout and progress on stderr; waits for stdout to drain. */
async function streamed(command: (args: string[], out: (line: string) => void, err: (line: string) => void) => Promise<number>, args: string[]): Promise<number> {
  const pending: Promise<void>[] = [];
  const status = await command(
    args,
    (line) => pending.push(write(process.stdout, `${line}\n`)),
    (line) => process.stderr.write(`${line}\n`),
  );
  await Promise.all(pending);
  return status;
}

function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve, reject) =>
    stream.write(text, (e) => (e && (e as NodeJS.ErrnoException).code !== 'EPIPE' ? reject(e) : resolve())),
  );
}

/** Runs the command and exits; the exit waits for stdout to drain (large gradient JSON). */
export async function run(argv: string[]): Promise<void> {
  // A reader that stops early (`rnnlab train … | head`) closes the pipe: that is a normal end, not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
  });
  let status: number;
  try {
    status = await main(argv);
  } catch (e) {
    if (process.env.RNNLAB_DEBUG) console.error(e);
    const message = firstLine(e);
    process.stderr.write(`rnnlab: ${e instanceof CliError ? message : `error: ${message}`}\n`);
    status = 2;
  }
  // Dawn keeps the event loop alive; exit explicitly once the output is flushed.
  process.exit(status);
}
