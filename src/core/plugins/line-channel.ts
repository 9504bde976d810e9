import type { Duplex } from 'node:stream';

/** Any message: an object with a string `kind`. */
export interface AnyMessage {
  kind: string;
  [field: string]: unknown;
}

export interface ChannelHandlers<In> {
  message(message: In): void;
  /** The other side sent something that is not a message, or one over the size limit. */
  invalid(reason: string): void;
  closed(): void;
}

/**
 * Messages as JSON lines over a stream: the pipe between kv1nt and a plugin process. The reading
 * side holds at most `maxLineBytes` of one message, so a plugin process that sends gigabytes
 * cannot make kv1nt hold them: past the limit the channel stops reading and says so once.
 */
export class LineChannel<In = AnyMessage, Out = AnyMessage> {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private broken = false;

  constructor(
    private readonly stream: Duplex,
    private readonly maxLineBytes: number,
    private readonly handlers: ChannelHandlers<In>,
  ) {
    stream.on('data', (chunk: Buffer) => this.receive(chunk));
    stream.on('close', () => handlers.closed());
    // A write to a process that just died: its exit is reported by the caller.
    stream.on('error', () => undefined);
  }

  send(message: Out): void {
    this.sendJson(JSON.stringify(message));
  }

  /** Sends a message already encoded as JSON (one line: JSON text holds no raw newline). */
  sendJson(json: string): void {
    if (!this.stream.destroyed) this.stream.write(`${json}\n`);
  }

  close(): void {
    this.stream.destroy();
  }

  private receive(chunk: Buffer): void {
    if (this.broken) return;
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      this.take(chunk.subarray(start, nl));
      if (this.broken) return;
      const line = Buffer.concat(this.pending).toString('utf8');
      this.pending = [];
      this.pendingBytes = 0;
      start = nl + 1;
      if (line.trim() !== '') this.deliver(line);
      if (this.broken) return;
    }
    if (start < chunk.length) this.take(chunk.subarray(start));
  }

  private take(part: Buffer): void {
    this.pendingBytes += part.length;
    if (this.pendingBytes > this.maxLineBytes) {
      this.fail(`a message over ${this.maxLineBytes} bytes`);
      return;
    }
    this.pending.push(Buffer.from(part));
  }

  private deliver(line: string): void {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      this.fail('something that is not a kv1nt message (not JSON)');
      return;
    }
    if (
      message === null ||
      typeof message !== 'object' ||
      typeof (message as { kind?: unknown }).kind !== 'string'
    ) {
      this.fail('something that is not a kv1nt message (no kind)');
      return;
    }
    // Its fields are the reader's to check (see protocol.ts): only the shape of a message is known here.
    this.handlers.message(message as In);
  }

  private fail(reason: string): void {
    if (this.broken) return;
    this.broken = true;
    this.pending = [];
    this.stream.pause();
    this.handlers.invalid(reason);
  }
}
