/**
 * The record fast path, bundled alone as dist/record.cjs (scripts/bundle.js) and required by
 * bin/run.js for `kv1nt feedback success|failure|quality|rate|record …`: it records the entry
 * without loading oclif, whose start-up alone costs more than recording (docs/benchmarks.md).
 * The arguments, flags, input, core calls, output and error reports are the oclif commands' own
 * (record-commands.ts, core/recording.ts, describe-entry.ts, error-report.ts). Whenever anything is
 * not plain — see parseRecordArgv and oclifWouldDoMore — or the input is refused (exit 2: nothing
 * was written), it returns false having printed nothing, and the line goes to oclif.
 */
import { EXIT_USAGE, Kv1ntError } from '../../core/errors.js';
import { recordWithoutEngines, type FeedbackEntry } from '../../core/recording.js';
import { describeEntry } from '../describe-entry.js';
import { errorDocument, errorReport, errorText, warnOnStderr } from '../error-report.js';
import { RECORD_COMMANDS } from '../record-commands.js';
import { text } from '../record-input.js';
import { setWide, visibleExceptColour } from '../terminal.js';
import { parseRecordArgv } from './argv.js';
import { oclifWouldDoMore } from './oclif-state.js';

/** Set to `0` to send every line to oclif (the tests compare both paths). */
export const FAST_RECORD_VARIABLE = 'KV1NT_FAST_RECORD';

/** Records the entry `argv` (after the binary) asks for and reports it; false: left to oclif. */
export async function recordFast(argv: readonly string[], env = process.env): Promise<boolean> {
  if (env[FAST_RECORD_VARIABLE] === '0' || oclifWouldDoMore(env)) return false;
  const invocation = parseRecordArgv(argv);
  if (invocation === undefined) return false;
  const command = RECORD_COMMANDS[invocation.name];
  const { flags } = invocation;
  const json = flags.json === true;
  setWide(flags.wide === true);
  let entry: FeedbackEntry | undefined;
  try {
    const input = command.input(invocation.args, flags);
    const options = { dataDir: text(flags, 'data-dir'), config: text(flags, 'config'), env };
    entry = await recordWithoutEngines({ ...options, onWarning: warnOnStderr }, input);
  } catch (error) {
    if (error instanceof Kv1ntError && error.exit === EXIT_USAGE) return false;
    // A store that fails mid-write may have taken the entry: report here, never record twice.
    const report = errorReport(error as Error, Object.keys(command.flags));
    process.exitCode = report.exit;
    if (json) printJson(errorDocument(report));
    else process.stderr.write(errorText(report, error));
    return true;
  }
  if (entry === undefined) return false; // an interrupted optimization to recover first: the full core does
  if (json) printJson(entry);
  else console.log(visibleExceptColour(describeEntry(entry)));
  return true;
}

/** As oclif's logJson prints a document without a colour theme (oclifWouldDoMore checks for one). */
function printJson(document: unknown): void {
  console.log(JSON.stringify(document, null, 2));
}
