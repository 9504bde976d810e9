#!/usr/bin/env node
// oclif's execute, from the CLI bundle (scripts/bundle.js). It is required, not imported: importing a
// CommonJS file makes Node scan all of it for export names first.
import { createRequire } from 'node:module';

const { execute } = createRequire(import.meta.url)('../dist/cli.cjs');

await execute({ dir: import.meta.url });
