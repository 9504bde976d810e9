import { Args, Flags } from '@oclif/core';
import { Kv1ntCommand } from '../../cli/base-command.js';
import { renderImport } from '../../cli/feedback-io-view.js';
import { withProgress } from '../../cli/progress.js';
import { EXIT_RUNTIME } from '../../core/errors.js';
import { IMPORT_FORMATS, type ImportResult } from '../../core/index.js';

export default class FeedbackImport extends Kv1ntCommand {
  static override summary = 'Import feedback entries from a JSON Lines file (or - for stdin).';
  static override description = `One entry per line, with the fields agentId, operationId, type, score?, rating?, source?, details?, durationMs?, metrics?, errorType?, message?, timestamp? — or entries as \`feedback export\` writes them: their id and recordedAt are kept, and a line whose id is stored already is skipped and counted as a duplicate (importing an export again adds nothing).

All or nothing: one invalid line and nothing is imported; the invalid lines are reported with their numbers (exit 2). With --skip-invalid the valid lines are imported and the rest reported (exit 1 if any were skipped). The imported batch lands atomically: a crash mid-import leaves none of it.

Any size: the input is streamed, in bounded memory. On a terminal a progress line shows the lines read per second. Reads a file, a named pipe or standard input; a leading UTF-8 byte order mark is skipped. A device (/dev/zero) or a line over 1 MiB is refused.

With --format otlp, each line is an OTLP/JSON trace export (ExportTraceServiceRequest), as an OpenTelemetry Collector's file exporter writes it (lines up to 64 MiB): each span with gen_ai.operation.name becomes a success or failure entry, each gen_ai.evaluation.result event with a score from 0 to 1 a quality_score entry; ids come from the trace and span ids, so importing the same export again adds nothing. Other spans are counted as ignored. The mapping is in docs/feedback.md.`;
  static override examples = [
    '<%= config.bin %> feedback import history.jsonl',
    'cat history.jsonl | <%= config.bin %> feedback import -',
    '<%= config.bin %> feedback import history.jsonl --skip-invalid --json',
    '<%= config.bin %> feedback import traces.jsonl --format otlp',
  ];
  static override args = {
    file: Args.string({ description: 'JSON Lines file, or - for standard input', required: true }),
  };
  static override flags = {
    'skip-invalid': Flags.boolean({ description: 'Import the valid lines and report the invalid ones.' }),
    format: Flags.option({
      options: IMPORT_FORMATS,
      default: 'jsonl' as const,
      description: 'jsonl: kv1nt entries; otlp: OpenTelemetry trace exports (OTLP/JSON).',
    })(),
  };

  async run(): Promise<ImportResult> {
    const { args, flags } = await this.parse(FeedbackImport);
    const core = await this.openCore(flags);
    // A progress line on a terminal only: a pipe or a log gets the summary, nothing more.
    const shown = !this.jsonEnabled() && Boolean(process.stderr.isTTY);
    const result = await withProgress(shown, (progress) => {
      progress.step(`Importing ${args.file === '-' ? 'standard input' : args.file}`);
      const started = Date.now();
      return core.desk.importFrom(
        { file: args.file, stdin: process.stdin as AsyncIterable<Buffer> },
        {
          skipInvalid: flags['skip-invalid'],
          format: flags.format,
          // Not even formatted when not shown (the first toLocaleString loads ICU's number data).
          ...(shown && {
            onProgress: ({ lines }) => progress.status(linesPerSecond(lines, Date.now() - started)),
          }),
        },
      );
    });
    if (result.skipped > 0) process.exitCode = EXIT_RUNTIME;
    if (!this.jsonEnabled()) {
      this.log(await renderImport(result));
    }
    return result;
  }
}

function linesPerSecond(lines: number, ms: number): string {
  const rate = ms > 0 ? Math.round((lines * 1000) / ms) : 0;
  return `${lines.toLocaleString('en-US')} lines, ${rate.toLocaleString('en-US')} lines/s`;
}
