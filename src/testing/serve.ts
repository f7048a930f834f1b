/**
 * Test harness for `vouch serve`: a self-signed TLS pair made with the openssl CLI at test time,
 * the server started as the CLI runs it (bin/run.js, port 0 on loopback) and stopped by its PID,
 * and an HTTPS client that trusts exactly that certificate.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { request } from 'node:https';
import { PROJECT_ROOT } from './cli.js';

export function needsOpenssl(): { skip?: string } {
  if (spawnSync('sh', ['-c', 'command -v openssl'], { encoding: 'utf8' }).status === 0) return {};
  if (process.env['CI'] === 'true') throw new Error('openssl is required under CI');
  return { skip: 'openssl not installed (apt-get install openssl)' };
}

/** A P-256 key and a self-signed certificate for localhost and 127.0.0.1, valid one day. */
export function makeTlsPair(dir: string, name = 'tls'): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl req failed: ${r.stderr}`);
  return { cert, key };
}

/** A P-256 public key in PEM (a cosign key nobody signed the sample with). */
export function makePublicKey(dir: string, name: string): string {
  const priv = join(dir, `${name}.key`);
  const pub = join(dir, `${name}.pub`);
  for (const args of [['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', priv], ['ec', '-in', priv, '-pubout', '-out', pub]]) {
    const r = spawnSync('openssl', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
  }
  return pub;
}

export interface ServeProcess {
  readonly port: number;
  readonly child: ChildProcess;
  /** Decision log lines (stdout), parsed. */
  readonly decisions: Record<string, unknown>[];
  stderr(): string;
  stop(): Promise<number | null>;
}

/** Starts `vouch serve <args> --listen 127.0.0.1:0` and waits for it to say where it listens. */
export async function startServe(args: readonly string[]): Promise<ServeProcess> {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'run.js'), 'serve', '--listen', '127.0.0.1:0', ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let err = '';
  let out = '';
  const decisions: Record<string, unknown>[] = [];
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    let nl: number;
    while ((nl = out.indexOf('\n')) >= 0) {
      decisions.push(JSON.parse(out.slice(0, nl)) as Record<string, unknown>);
      out = out.slice(nl + 1);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      const m = /serving admission reviews on https:\/\/[^:]+:(\d+)/.exec(err);
      if (m) resolve(Number(m[1]));
    });
    void exited.then((code) => reject(new Error(`vouch serve exited with ${code}: ${err}`)));
  });
  return {
    port,
    child,
    decisions,
    stderr: () => err,
    stop: async () => {
      if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
      return exited;
    },
  };
}

export interface HttpsResult {
  readonly status: number;
  readonly body: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** One HTTPS request to the server, trusting only `ca`. */
export function httpsRequest(port: number, ca: Buffer, method: string, path: string, body?: string | Buffer): Promise<HttpsResult> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, ca, servername: 'localhost', headers: { 'content-type': 'application/json' }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
