// What a task needs besides its Config: the text of a shipped corpus (fetched from public/corpora once, when
// the char task first asks for it) or the user's own data (a CSV column or a text from the task view).
import type { Config } from '../core/config';
import { corpusPath } from '../core/tasks';
import type { TaskData } from '../core/tasks/task';
import { useStore } from './store';

export class TaskDataSource {
  private readonly corpora = new Map<string, string>();
  private userData: TaskData = {};

  corpusText(name: string): string | null {
    return this.corpora.get(name) ?? null;
  }

  /** The user's data, merged with what they gave before; the store's userDataVersion says it changed. */
  setUserData(data: TaskData): void {
    this.userData = { ...this.userData, ...data };
    useStore.setState({ userDataVersion: useStore.getState().userDataVersion + 1 });
  }

  /** The data the page's own copy of the task is built from (the same the worker gets, once loaded). */
  current(config: Config): TaskData {
    if (config.task === 'csv') return this.userData.series ? { series: this.userData.series } : {};
    if (config.task !== 'char') return {};
    const text = config.corpus === 'user' ? this.userData.text : this.corpusText(config.corpus);
    return text === undefined || text === null ? {} : { text };
  }

  /** The data for the worker, fetching the corpus first when the Config needs one. */
  async load(config: Config): Promise<TaskData> {
    if (config.task === 'csv') return this.userData.series ? { series: this.userData.series } : {};
    if (config.task !== 'char') return {};
    if (config.corpus === 'user') return this.userData.text !== undefined ? { text: this.userData.text } : {};
    const text = await this.fetchCorpus(config.corpus);
    return text === null ? {} : { text };
  }

  /** A shipped corpus, fetched on first use; null (and a message) when it cannot be loaded. */
  private async fetchCorpus(name: Exclude<Config['corpus'], 'user'>): Promise<string | null> {
    const cached = this.corpora.get(name);
    if (cached !== undefined) return cached;
    try {
      const response = await fetch(import.meta.env.BASE_URL + corpusPath(name));
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const text = await response.text();
      this.corpora.set(name, text);
      useStore.setState({ corpusLoaded: name });
      return text;
    } catch (e) {
      useStore.setState({ message: `the "${name}" corpus could not be loaded (${e instanceof Error ? e.message : String(e)})` });
      return null;
    }
  }
}
