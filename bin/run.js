#!/usr/bin/env node
// oclif's execute, from the CLI bundle (scripts/bundle.js). It is required, not imported: importing a
// CommonJS file makes Node scan all of it for export names first.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);

// `feedback success|failure|quality|rate|record`: the fast path (src/cli/fast-record) records without
// loading oclif, and leaves anything it does not plainly understand to oclif.
const RECORD_COMMANDS = ['success', 'failure', 'quality', 'rate', 'record'];
const recorded =
  argv[0] === 'feedback' &&
  RECORD_COMMANDS.includes(argv[1]) &&
  (await require('../dist/record.cjs').recordFast(argv));

if (!recorded) await require('../dist/cli.cjs').execute({ dir: import.meta.url });
