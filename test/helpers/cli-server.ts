import { spawn, type ChildProcess } from 'node:child_process';
import { CLI } from './paths.js';
import type { TapTest } from './server.js';

// `edmock serve` in a child process on a free port, as a user starts it: for what only a real
// process shows (signals, a hard kill, a restart).

export interface CliServer {
  url: string;
  child: ChildProcess;
  /** Everything the process printed so far. */
  output: () => string;
}

export async function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Resolves once the banner names the address; the process is killed when the test ends. */
export function serveCli(t: TapTest, args: string[]): Promise<CliServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--log-level', 'warn', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    t.teardown(() => { child.kill('SIGKILL'); });
    let out = '';
    // The banner comes on stderr (stdout carries the logs only).
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /edmock listening on (https?:\/\/\S+)/.exec(out);
      if (match) resolve({ url: match[1], child, output: () => out });
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}
