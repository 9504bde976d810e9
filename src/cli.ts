/**
 * Entry point of the CLI bundle (scripts/bundle.js → dist/cli.cjs): oclif's own `execute`, which
 * bin/run.js calls, and the command list that oclif's explicit command strategy reads. Both come
 * from one bundle so that @oclif/core and our commands share a single module instance.
 */
export { execute } from '@oclif/core';
export { COMMANDS } from './commands.js';
