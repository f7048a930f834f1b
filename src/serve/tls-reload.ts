/**
 * The server's certificate and key, read from files and read again when they change (cert-manager
 * rotates them in the mounted Secret). Files are polled by stat rather than watched: a Secret
 * volume swaps a symbolic link, which inotify watchers on the old target never see.
 */
import { statSync, unwatchFile, watchFile } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { SecureContextOptions } from 'node:tls';
import type { Logger } from '../context.js';
import { messageOf, VouchError } from '../errors.js';
import { readInputFile } from '../pipeline/input-file.js';

const MAX_PEM_BYTES = 1024 * 1024;

export interface CertificateWatch {
  readonly initial: { readonly cert: Buffer; readonly key: Buffer };
  onChange(apply: (context: SecureContextOptions) => void): void;
  stop(): void;
}

async function readPair(certFile: string, keyFile: string): Promise<{ cert: Buffer; key: Buffer }> {
  const cert = await readInputFile(certFile, { what: '--tls-cert', maxBytes: MAX_PEM_BYTES });
  const key = await readInputFile(keyFile, { what: '--tls-key', maxBytes: MAX_PEM_BYTES });
  // A certificate and key that do not belong together fail here, not at the first handshake.
  createSecureContext({ cert, key });
  return { cert, key };
}

/**
 * Reads the pair now (an unusable pair is TRUST_MATERIAL_INVALID: the server does not start) and
 * re-reads it when either file's size or modification time changes. A pair that does not load
 * (cert-manager writes the two files one after the other) keeps the previous one and is tried
 * again at the next change or poll.
 */
export async function watchCertificate(certFile: string, keyFile: string, pollMs: number, log: Logger): Promise<CertificateWatch> {
  let initial: { cert: Buffer; key: Buffer };
  try {
    initial = await readPair(certFile, keyFile);
  } catch (err) {
    throw new VouchError({ code: 'TRUST_MATERIAL_INVALID', message: `cannot load the TLS certificate ${certFile} and key ${keyFile}: ${messageOf(err)}`, cause: err });
  }
  let apply: ((context: SecureContextOptions) => void) | undefined;
  let loaded = stamp(certFile, keyFile);
  let reloading = false;
  const check = (): void => {
    const now = stamp(certFile, keyFile);
    if (now === loaded || reloading) return;
    reloading = true;
    readPair(certFile, keyFile)
      .then((pair) => {
        apply?.(pair);
        loaded = now;
        log.info(`TLS certificate ${certFile} reloaded`);
      })
      .catch((err: unknown) => log.warn(`TLS certificate ${certFile} changed but does not load yet (keeping the previous one): ${messageOf(err)}`))
      .finally(() => (reloading = false));
  };
  const options = { interval: pollMs, persistent: false };
  watchFile(certFile, options, check);
  watchFile(keyFile, options, check);
  return {
    initial,
    onChange: (fn) => (apply = fn),
    stop: () => {
      unwatchFile(certFile, check);
      unwatchFile(keyFile, check);
    },
  };
}

function stamp(...files: string[]): string {
  return files
    .map((f) => {
      try {
        const s = statSync(f);
        return `${s.size}:${s.mtimeMs}:${s.ino}`;
      } catch {
        return 'missing';
      }
    })
    .join('|');
}
