import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { Args, Flags } from '@oclif/core';
import { Kv1ntCommand } from '../../cli/base-command.js';
import { invalidInput } from '../../core/errors.js';
import { CSV_COLUMNS, EXPORT_FORMATS, type ExportFormat } from '../../core/index.js';

export default class FeedbackExport extends Kv1ntCommand {
  static override summary = 'Export feedback entries as JSON Lines or CSV (stdout, or a file).';
  static override description = `Streams every matching entry in the order it was stored, in bounded memory. JSON Lines (the default) keeps every field of each entry, its id included: importing the file again adds nothing, and importing it into another data dir gives a faithful copy. CSV has one header row and the columns ${CSV_COLUMNS.join(', ')} (metrics and details as JSON text), quoted as RFC 4180 says, with CRLF line ends.

--since and --until take an ISO-8601 time or a duration back from now (7d); both are inclusive. --output writes the file atomically (a temp file beside it, renamed when complete). With --json (which needs --output) the command prints {output, format, entries}.`;
  static override examples = [
    '<%= config.bin %> feedback export > all.jsonl',
    '<%= config.bin %> feedback export summarizer --since 30d --format csv --output summarizer.csv',
  ];
  static override args = {
    agent: Args.string({ description: 'Only this agent' }),
  };
  static override flags = {
    since: Flags.string({ description: 'From this time on (ISO-8601, or a duration back such as 7d).' }),
    until: Flags.string({ description: 'Up to this time (ISO-8601, or a duration back such as 1h).' }),
    format: Flags.string({ description: 'jsonl or csv.', options: [...EXPORT_FORMATS], default: 'jsonl' }),
    output: Flags.string({ char: 'o', description: 'Write to this file (atomically) instead of stdout.' }),
  };

  async run(): Promise<{ output: string; format: ExportFormat; entries: number }> {
    const { args, flags } = await this.parse(FeedbackExport);
    if (this.jsonEnabled() && flags.output === undefined)
      throw invalidInput('--json needs --output: without it the export itself is what goes to stdout.');
    const core = await this.openCore(flags);
    const format = flags.format as ExportFormat;
    const count = { entries: 0 };
    const chunks = core.desk.export(
      { agentId: args.agent, since: flags.since, until: flags.until },
      format,
      count,
    );
    if (flags.output === undefined) {
      for (const chunk of chunks) {
        if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
      }
      return { output: '-', format, entries: count.entries };
    }
    const output = path.resolve(flags.output);
    writeAtomically(output, chunks);
    this.say(`Exported ${count.entries} entr${count.entries === 1 ? 'y' : 'ies'} to ${output}.`);
    return { output, format, entries: count.entries };
  }
}

/** Chunks to a temp file beside `file`, fsync'ed, then renamed over it: never a half-written export. */
function writeAtomically(file: string, chunks: Iterable<string | Buffer>): void {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = fs.openSync(temp, 'wx', 0o644);
  try {
    for (const chunk of chunks) {
      const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      for (let written = 0; written < data.length;) written += fs.writeSync(fd, data, written);
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(temp, file);
  } catch (error) {
    try {
      fs.closeSync(fd);
    } catch {
      // closed already
    }
    fs.rmSync(temp, { force: true });
    throw error;
  }
}
