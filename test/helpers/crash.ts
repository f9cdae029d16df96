import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './corpus.js';

/** Runs the built CLI and SIGKILLs it after `killAfterMs`; resolves with its exit status. */
export function runAndKill(args: string[], killAfterMs: number): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'run.js'), ...args], { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(signal ?? `exit ${code}`);
    });
  });
}
