// The pieces of the exported PyTorch script are imported as text (`import LOSSES from './losses.py?raw'`), as
// Vite and the CLI's esbuild plugin load them. Declared here so that core type-checks without vite/client.
declare module '*.py?raw' {
  const source: string;
  export default source;
}
