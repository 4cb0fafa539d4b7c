// createTask: the Config (and any user data) → a Task. The one place that knows every task.
import type { Config, ShippedCorpus } from '../config';
import { AddingTask } from './adding';
import { ContinualReberTask } from './continualReber';
import { CopyTask } from './copy';
import { ReberTask } from './reber';
import { generatedSeriesTask, SeriesTask } from './series';
import { TemporalOrderTask } from './temporalOrder';
import { CharTask, prepareUserText } from './text';
import type { Task, TaskData } from './task';

export type { ForwardOne, Task, TaskData, TaskMetric } from './task';
export { AddingTask, addingAccuracy, ADDING_CHANCE_MSE } from './adding';
export { CopyTask, copyAccuracy, copyPaperBaseline, COPY_CHANCE_XENT } from './copy';
export { TemporalOrderTask, TEMPORAL_CLASSES, TEMPORAL_SYMBOLS } from './temporalOrder';
export { ReberTask, reberScores, REBER_SYMBOLS } from './reber';
export { ContinualReberTask, continualReberScores, continualValLength } from './continualReber';
export { SeriesTask, persistenceMse, minimumLength, freeRunForecast } from './series';
export { CharTask, Vocabulary, buildVocabulary, sampleFromLogits, sampleText, perplexity, decodeUserTextBytes, prepareUserText } from './text';
export { parseCsv, csvColumn, defaultColumn, decodeCsvBytes, checkCsvSize, seriesFromCsvBytes, MAX_CSV_BYTES } from './csv';

/** Where the page fetches a shipped corpus from (relative to the site's base URL). */
export function corpusPath(name: ShippedCorpus): string {
  return `corpora/${name}.txt`;
}

/** Builds the task a Config asks for. Throws an Error with a message for the user when it cannot. */
export function createTask(config: Config, data: TaskData = {}): Task {
  switch (config.task) {
    case 'adding':
      return new AddingTask();
    case 'copy':
      return new CopyTask();
    case 'temporal_order':
      if (config.T < 4) throw new Error(`temporal order needs T ≥ 4 (got ${config.T})`);
      return new TemporalOrderTask();
    case 'reber':
      if (config.T < 10) throw new Error(`the embedded Reber task needs T ≥ 10 to hold a whole string (got ${config.T})`);
      return new ReberTask();
    case 'continual_reber':
      if (config.T < 10) throw new Error(`the continual embedded Reber task needs T ≥ 10 (got ${config.T})`);
      return new ContinualReberTask();
    case 'sine':
    case 'sines':
    case 'mackey_glass':
    case 'random_walk':
      return generatedSeriesTask(config.task, config.T, config.seed);
    case 'csv': {
      if (!data.series) throw new Error('The CSV task needs data: choose a CSV file and a numeric column first.');
      return new SeriesTask('csv', data.series.values, config.T, `The column "${data.series.name}"`);
    }
    case 'char': {
      if (data.text === undefined) {
        throw new Error(
          config.corpus === 'user'
            ? 'The char model needs your text: paste it or drop a .txt file first.'
            : `The char model needs the "${config.corpus}" corpus text (public/corpora/${config.corpus}.txt).`,
        );
      }
      const text = config.corpus === 'user' ? prepareUserText(data.text) : data.text;
      return new CharTask(text, config.T);
    }
  }
}
