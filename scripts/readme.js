// Regenerates the command reference in docs/commands/: one page per topic (`oclif readme --multi`) and
// an index, docs/commands/README.md. Run through `npm run readme`, which builds first: oclif reads the
// commands from the built manifest and bundle.
//
// oclif writes the index's links relative to the repository root (`docs/commands/agents.md`), since it
// expects the index to be the root README; the index lives beside the pages, so the links are made
// relative to it, and its second title dropped. Prettier then gives the pages the same shape as every other Markdown file, so that
// `npm run lint` checks them like the rest of docs/.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const OUTPUT_DIR = 'docs/commands';
const INDEX = path.join(OUTPUT_DIR, 'README.md');
const INTRO = `# Command reference

Generated from the commands' own help by \`npm run readme\`; do not edit by hand. Every command takes
\`--json\`, \`--data-dir\` and \`--config\`; exit codes are in [the README](../../README.md#every-command).

<!-- commands -->
`;

// A fresh run: pages of removed commands must not linger.
fs.rmSync(OUTPUT_DIR, { recursive: true, force: true });
fs.mkdirSync(OUTPUT_DIR, { recursive: true });
fs.writeFileSync(INDEX, INTRO);

const run = (bin, args) =>
  execFileSync(path.join('node_modules', '.bin', bin), args, {
    stdio: 'inherit',
    // Help text is wrapped at COLUMNS: fix it so the pages do not depend on the terminal.
    env: { ...process.env, COLUMNS: '100', OCLIF_SKIP_NEW_VERSION_CHECK: 'true' },
  });

run('oclif', ['readme', '--multi', '--no-aliases', '--output-dir', OUTPUT_DIR, '--readme-path', INDEX]);
const index = fs
  .readFileSync(INDEX, 'utf8')
  .replace('# Command Topics\n\n', '')
  .replaceAll(`](${OUTPUT_DIR}/`, '](./');
fs.writeFileSync(INDEX, index);
run('prettier', ['--write', '--log-level', 'warn', OUTPUT_DIR]);
