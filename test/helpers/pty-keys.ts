import { spawn } from 'node:child_process';
import { BIN, cliEnv } from './cli.js';

/** Keys as a terminal sends them. */
export const KEY = { space: ' ', down: '\x1b[B', up: '\x1b[A', enter: '\r', ctrlC: '\x03' } as const;

/** When `waitFor` has appeared on the screen (since the previous step), type `send`. */
export interface PtyStep {
  waitFor: RegExp;
  send: string;
}

export interface PtyRun {
  code: number | null;
  /** Everything the terminal showed (stdout and stderr, escape sequences included). */
  screen: string;
}

const quote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;

/**
 * Runs the built CLI on a pseudo-terminal (util-linux `script`), so stdin, stdout and stderr are
 * all a TTY, and types each step's keys once its prompt is on the screen. Steps follow what is
 * shown, never a clock; `safetyMs` only stops a run that waits forever (then the screen says where).
 */
export function runOnPty(
  home: string,
  args: string[],
  options: { cwd: string; steps: PtyStep[]; columns?: number; safetyMs?: number },
): Promise<PtyRun> {
  const command = `stty cols ${options.columns ?? 100} rows 40; exec ${[process.execPath, BIN, ...args].map(quote).join(' ')}`;
  const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
    cwd: options.cwd,
    env: cliEnv(home, { TERM: 'xterm-256color' }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  let seenUpTo = 0;
  const steps = [...options.steps];
  const advance = () => {
    const step = steps[0];
    if (!step) return;
    const fresh = screen.slice(seenUpTo);
    const match = step.waitFor.exec(fresh);
    if (!match) return;
    seenUpTo += match.index + match[0].length;
    steps.shift();
    child.stdin.write(step.send);
    advance();
  };
  const collect = (chunk: Buffer) => {
    screen += chunk.toString('utf8');
    advance();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  return new Promise((resolve, reject) => {
    const safety = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `no end after ${options.safetyMs ?? 120_000} ms; waiting for ${String(steps[0]?.waitFor)}; screen:\n${screen}`,
        ),
      );
    }, options.safetyMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(safety);
      if (steps.length > 0)
        reject(
          new Error(`ended (exit ${code}) before ${String(steps[0]!.waitFor)} was shown; screen:\n${screen}`),
        );
      else resolve({ code, screen });
    });
  });
}
