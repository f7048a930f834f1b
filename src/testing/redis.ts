/**
 * Test harness for the Redis verdict cache: a real redis-server (Debian's) on 127.0.0.1 with a
 * free port, no persistence, stopped by its PID when the test ends. `pause` / `resume` freeze the
 * server (SIGSTOP / SIGCONT) to play a Redis that accepts connections and never answers.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const INSTALL_HINT = 'apt-get install redis-server';

/**
 * Options for `test(name, needsRedis(), fn)`: skips with the install hint when redis-server is
 * missing; under CI=true a missing redis-server is a failure, not a skip.
 */
export function needsRedis(): { skip?: string } {
  if (spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).status === 0) return {};
  const message = `redis-server not installed; run: ${INSTALL_HINT}`;
  if (process.env['CI'] === 'true') throw new Error(`${message} (required under CI)`);
  return { skip: message };
}

export interface TestRedis {
  readonly port: number;
  /** redis://127.0.0.1:PORT */
  readonly url: string;
  readonly pid: number;
  /** Freezes the server: connections stay open, nothing is answered. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** One PING over a raw socket: true when the server answers +PONG. */
async function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d: Buffer) => {
      answer += d.toString('latin1');
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });
}

/** Starts redis-server on loopback and waits until it answers PING (at most about 20 s). */
export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'];
  const child: ChildProcess = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid;
  if (pid === undefined) throw new Error('redis-server did not start');
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  const stop = async (): Promise<void> => {
    if (!running()) return;
    process.kill(pid, 'SIGCONT');
    process.kill(pid, 'SIGTERM');
    await exited;
  };
  for (let attempt = 0; attempt < 200; attempt++) {
    if (!running()) throw new Error(`redis-server exited: ${stderr}`);
    if (await pings(port)) {
      return {
        port, pid, stop,
        url: `redis://127.0.0.1:${port}`,
        pause: () => process.kill(pid, 'SIGSTOP'),
        resume: () => process.kill(pid, 'SIGCONT'),
      };
    }
    await sleep(100);
  }
  await stop();
  throw new Error(`redis-server did not answer on port ${port}: ${stderr}`);
}
