import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './corpus.js';

/**
 * Runs the built CLI (`bin/run.js`, i.e. dist/) and SIGKILLs it after `killAfterMs`
 * (never, when undefined); resolves with how it ended and how long it ran.
 */
export function runCliAndKill(args: string[], killAfterMs?: number): Promise<{ status: string; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'run.js'), ...args], { stdio: 'ignore' });
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ status: signal ?? `exit ${code}`, ms: Date.now() - started });
    });
  });
}

/** Runs the built CLI and SIGKILLs it after `killAfterMs`; resolves with its exit status. */
export async function runAndKill(args: string[], killAfterMs: number): Promise<string> {
  return (await runCliAndKill(args, killAfterMs)).status;
}

/** Runs the built CLI to completion: exit code and both outputs, as a user sees them. */
export function runCli(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'run.js'), ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
