// `optional:<relative path>` imports are resolved by bin/rnnlab.mjs's bundler: to the module when the file exists,
// otherwise to a stand-in whose only export, `missing`, names the absent file. This lets the CLI build and run
// its CPU paths in a checkout where a part written elsewhere (the WebGPU engine, the benchmark) is absent.
declare module 'optional:*' {
  export const missing: string | undefined;
}
