// Bundles the CLI into one file, dist/cli.cjs: @oclif/core, every command (src/commands.ts) and the
// code they use. Node's module loader is most of a short run's time (about 190 files were loaded to
// record one entry); one file, required once, takes the start of `kv1nt feedback success` from ~2.9×
// to ~2× a bare `node -e 0`. tsc still emits dist/**/*.js and .d.ts for the library entry (dist/index.js).
//
// Choices, each measured:
// - CommonJS, required by bin/run.js through createRequire: a CJS file skips the ESM facade Node
//   builds for every builtin an ES module imports (node:fs's alone loads the whole streams stack), and
//   a `require` skips the export scan Node runs over a CJS file that is `import`ed.
// - Whitespace and syntax minified, identifiers not: less source to parse (~7 ms).
// - keepNames: a bundler renames some bindings (a class that refers to itself becomes `_Name`,
//   clashing names get a suffix); this keeps every function's and class's `.name` as in the source,
//   for stack traces and anything that reads it, at ~4 ms.
// - Lazy imports stay lazy: execa, fs-extra, yaml, cli-table3 and @inquirer/confirm are imported at run time from node_modules.
// - The oclif plugins (help, plugins, autocomplete, not-found) are not bundled; they load their own
//   @oclif/core from node_modules when one of their commands or hooks runs. oclif supports that (any
//   installed plugin may bring its own core): Command.run reloads the config into that copy. Those
//   commands (help, plugins, autocomplete) start ~45 ms later than before, for loading that copy.
// - @oclif/core checks that Node satisfies *its* engines range (>=18) at load, which requires the
//   whole of semver (47 files, ~10 ms). Our own engines field asks for more, so the check is switched
//   off at build time and semver left out of the bundle.
// - import.meta.url, which a CommonJS bundle lacks, is the bundle's own file URL (the plugin host finds
//   dist/plugin-process.cjs from it).
//
// A second bundle, dist/plugin-process.cjs, is the script of a plugin process (src/core/plugins/child):
// one file, so that a plugin process starts quickly, with Node's built-ins only.
//
// A third, dist/record.cjs, is the record fast path (src/cli/fast-record): bin/run.js requires it for
// `feedback success|failure|quality|rate|record` and loads dist/cli.cjs only when it steps aside.
// oclif's own start-up — requiring @oclif/core from the 1 MB bundle, Config.load reading package.json
// files, the manifest and the four oclif plugins — cost more than the whole 2× budget: the record
// path went from ~2.6× to ~1.5× a bare `node -e 0` without it (docs/benchmarks.md). It holds our
// code and Node's built-ins only (~145 kB: the config loader and its schema, the stores, the
// recorder); the build fails if anything in it requires @oclif.
import * as esbuild from 'esbuild';

const importMetaUrl = {
  // A getter, so that a bundle that never asks (the record path) computes nothing at start.
  banner: {
    js: "const __kv1nt_import_meta = { get url() { return require('node:url').pathToFileURL(__filename).href; } };",
  },
  define: { 'import.meta.url': '__kv1nt_import_meta.url' },
};

/** Imported lazily by our code, on the paths that need them: required from node_modules when first used. */
const LAZY = [
  'execa',
  // Used by the sandbox alone (reached through dynamic imports).
  'fs-extra',
  'yaml',
  'cli-table3',
  '@inquirer/confirm',
];

/** One CommonJS bundle for Node 20, minified as described above. */
const bundle = (options) =>
  esbuild.build({
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames: true,
    sourcemap: true,
    logLevel: 'warning',
    ...options,
  });

await bundle({
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.cjs',
  external: [
    ...LAZY,
    // Required by @oclif/core only when developing a TypeScript plugin, inside try/catch.
    'typescript',
    'ts-node',
    // Only for @oclif/core's engine check, disabled below.
    'semver',
  ],
  banner: importMetaUrl.banner,
  define: { 'process.env.OCLIF_DISABLE_ENGINE_WARNING': '"true"', ...importMetaUrl.define },
});

await bundle({ entryPoints: ['src/core/plugins/child/main.ts'], outfile: 'dist/plugin-process.cjs' });

// The import workers' script (src/core/feedback/import-worker-main.ts): a big JSON Lines import is
// validated and encoded on the other cores (ImportPool), the main thread reading, checking ids and writing.
await bundle({ entryPoints: ['src/core/feedback/import-worker-main.ts'], outfile: 'dist/import-worker.cjs' });

// The record fast path (src/cli/fast-record): our code and Node's built-ins only — no @oclif/core.
// The build fails if anything pulls oclif in.
const record = await bundle({
  entryPoints: ['src/cli/fast-record/main.ts'],
  outfile: 'dist/record.cjs',
  external: [...LAZY, '@oclif/core'],
  banner: importMetaUrl.banner,
  define: importMetaUrl.define,
  metafile: true,
});
const oclifInRecord = [
  ...Object.keys(record.metafile.inputs).filter((input) => input.includes('node_modules/@oclif/')),
  ...Object.values(record.metafile.outputs)
    .flatMap((output) => output.imports)
    .map((entry) => entry.path)
    .filter((required) => required.startsWith('@oclif/')),
];
if (oclifInRecord.length > 0)
  throw new Error(`dist/record.cjs must not load oclif: ${oclifInRecord.join(', ')}`);

// The `prerun` hook runs before every command: as a small CommonJS file it is required in well
// under a millisecond, where importing an ES module costs several (it loads what it needs itself
// only before `plugins link`).
await bundle({
  entryPoints: ['src/oclif-hooks/prerun.ts'],
  outfile: 'dist/oclif-hooks/prerun.cjs',
  bundle: false,
  minifyWhitespace: false,
  minifySyntax: false,
  keepNames: false,
  sourcemap: false,
});

// The second reader of a big `patterns` window, in a worker thread (src/core/patterns/two-readers.ts).
await bundle({ entryPoints: ['src/core/patterns/second-reader.ts'], outfile: 'dist/patterns-reader.cjs' });
