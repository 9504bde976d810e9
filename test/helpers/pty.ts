import { spawnSync } from 'node:child_process';
import path from 'node:path';
import xterm from '@xterm/headless';
import { BIN, cliEnv } from './cli.js';

/*
 * The built CLI on a pseudo-terminal of a given size (python3's pty: the child's stdin, stdout and
 * stderr are the terminal, its window size set before it starts), and the bytes it wrote replayed
 * into a headless xterm to read the screen back as a person would see it.
 */

const RUN_ON_PTY = `
import fcntl, os, pty, struct, sys, termios
cols, rows, argv = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
    os.execv(argv[0], argv)
out = bytearray()
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    out.extend(chunk)
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(bytes(out))
sys.exit(os.waitstatus_to_exitcode(status) & 0xFF)
`;

export interface Screen {
  code: number | null;
  /** Every line of the terminal, scrollback included, without trailing blanks. */
  lines: string[];
  /** For each line: whether it continues the one before, which was wider than the terminal. */
  wrapped: boolean[];
  /** The bytes the CLI wrote, as text. */
  raw: string;
}

/** Runs `kv1nt <args>` on a `cols`-column pseudo-terminal (colour and the spinner on: no NO_COLOR, no CI). */
export async function kv1ntOnTerminal(
  home: string,
  args: string[],
  options: { cwd?: string; cols?: number; env?: Record<string, string | undefined> } = {},
): Promise<Screen> {
  const cols = options.cols ?? 80;
  const run = spawnSync('python3', ['-c', RUN_ON_PTY, String(cols), '50', process.execPath, BIN, ...args], {
    cwd: options.cwd ?? path.dirname(home),
    env: cliEnv(home, { NO_COLOR: undefined, CI: undefined, TERM: 'xterm-256color', ...options.env }),
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  const raw = run.stdout.toString('utf8');
  const term = new xterm.Terminal({ cols, rows: 50, scrollback: 5000, allowProposedApi: true });
  await new Promise<void>((resolve) => term.write(raw, resolve));
  const buffer = term.buffer.active;
  const lines: string[] = [];
  const wrapped: boolean[] = [];
  for (let y = 0; y < buffer.length; y++) {
    const line = buffer.getLine(y);
    if (!line) continue;
    const text = line.translateToString(true);
    lines.push(text);
    wrapped.push(line.isWrapped);
  }
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  wrapped.length = lines.length;
  term.dispose();
  return { code: run.status, lines, wrapped, raw };
}
