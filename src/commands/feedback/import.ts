import { Args, Flags } from '@oclif/core';
import { Kv1ntCommand } from '../../cli/base-command.js';
import { EXIT_RUNTIME } from '../../core/errors.js';
import {
  IMPORT_FORMATS,
  IMPORT_LIMITS,
  OTLP_LINE_BYTES,
  readImportSource,
  visible,
  type ImportResult,
} from '../../core/index.js';

export default class FeedbackImport extends Kv1ntCommand {
  static override summary = 'Import feedback entries from a JSON Lines file (or - for stdin).';
  static override description = `One entry per line, with the fields agentId, operationId, type, score?, rating?, source?, details?, durationMs?, metrics?, errorType?, message?, timestamp?.

All or nothing: one invalid line and nothing is imported; every invalid line is reported with its number (exit 2). With --skip-invalid the valid lines are imported and the rest reported (exit 1 if any were skipped). The imported batch lands atomically: a crash mid-import leaves none of it.

Reads a file, a named pipe or standard input; a leading UTF-8 byte order mark is skipped. A device (/dev/zero), a line over 1 MiB or an input over 256 MiB is refused (see docs/configuration.md).

With --format otlp, each line is an OTLP/JSON trace export (ExportTraceServiceRequest), as an OpenTelemetry Collector's file exporter writes it (lines up to 64 MiB): each span with gen_ai.operation.name becomes a success or failure entry, each gen_ai.evaluation.result event with a score from 0 to 1 a quality_score entry. Other spans are counted as ignored. The mapping is in docs/feedback.md.`;
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
    const limits = flags.format === 'otlp' ? { ...IMPORT_LIMITS, lineBytes: OTLP_LINE_BYTES } : IMPORT_LIMITS;
    const text = await readImportSource(args.file, process.stdin as AsyncIterable<Buffer>, limits);
    const core = await this.openCore(flags);
    const result = await core.importLines(text, { skipInvalid: flags['skip-invalid'], format: flags.format });
    this.say(`Imported ${result.imported} entr${result.imported === 1 ? 'y' : 'ies'}.`);
    if (result.ignored && result.ignored.spans + result.ignored.evaluations > 0)
      this.say(
        `Ignored ${result.ignored.spans} span(s) without gen_ai.operation.name and ${result.ignored.evaluations} evaluation(s) without a score from 0 to 1.`,
      );
    if (result.skipped.length > 0) {
      process.exitCode = EXIT_RUNTIME;
      if (!this.jsonEnabled()) {
        process.stderr.write(
          visible(
            `Skipped ${result.skipped.length} invalid line(s):\n${result.skipped.map((s) => `  line ${s.line}: ${s.message}`).join('\n')}\n`,
          ),
        );
      }
    }
    return result;
  }
}
