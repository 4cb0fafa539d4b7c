// The run's archive as zip bytes: core/export/bundle.ts lists the files, fflate deflates them. The synchronous
// zipSync only: fflate's asynchronous API starts blob: workers, which the page's CSP (worker-src 'self') forbids.
import { zipSync, type Zippable } from 'fflate';
import { runBundleFiles, type BundleFile, type RunBundleInput } from '../../core/export/bundle';

/** A flat zip of the files (no folder inside), deflated. */
export function zipFiles(files: readonly BundleFile[], mtime: Date = new Date()): Uint8Array {
  const entries: Zippable = {};
  for (const file of files) {
    if (file.name in entries) throw new Error(`two files named ${file.name}`);
    entries[file.name] = [file.bytes, { mtime }];
  }
  return zipSync(entries, { level: 6 });
}

/** The run's archive: runBundleFiles, zipped. */
export function runZip(input: RunBundleInput): Uint8Array {
  return zipFiles(runBundleFiles(input));
}
