import { Kv1ntCommand } from './base-command.js';
import { describeEntry } from './describe-entry.js';
import { text } from './record-input.js';
import type { RecordCommand } from './record-commands.js';
import type { FeedbackEntry } from '../core/index.js';

/** A record command (`feedback success|…`): its spec (record-commands.ts) says what it records. */
export abstract class Kv1ntRecordCommand extends Kv1ntCommand {
  protected async recordWith(command: RecordCommand): Promise<FeedbackEntry> {
    const { args, flags } = await this.parse();
    const input = command.input(args, flags);
    const core = await this.openCore({ 'data-dir': text(flags, 'data-dir'), config: text(flags, 'config') });
    const entry = await core.record(input);
    this.say(describeEntry(entry));
    return entry;
  }
}
