import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUN_JS = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the built CLI (bin/run.js, as users run it) in a child process. Commands are tested this
 * way rather than in-process: node:test's child processes report over stdout, which an in-process
 * capture would swallow.
 */
export function runCli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {}): Promise<CliResult> {
  return runProcess(process.execPath, [RUN_JS, ...args], { env: { ...process.env, NO_COLOR: '1', ...options.env }, cwd: options.cwd ?? PROJECT_ROOT, ...(options.input !== undefined && { input: options.input }) });
}

/** Runs any command with exactly the environment given, collecting its output and exit code. */
export function runProcess(command: string, args: readonly string[], options: { env: NodeJS.ProcessEnv; cwd?: string; input?: string; timeoutMs?: number; noStdin?: boolean }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? PROJECT_ROOT,
      env: options.env,
      stdio: [options.noStdin ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      ...(options.timeoutMs !== undefined && { timeout: options.timeoutMs }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin?.end(options.input ?? '');
  });
}

/** Parses the one JSON document a `--format json` run must print on stdout. */
export function jsonOf(result: CliResult): Record<string, unknown> {
  return JSON.parse(result.stdout) as Record<string, unknown>;
}
