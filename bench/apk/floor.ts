/**
 * The floor of the apk benchmarks: the least work any verifier written on node must do for a
 * package, done with node's own zlib and crypto and nothing else. One streaming pass over the
 * file in 1 MiB chunks: SHA-256 of the compressed bytes, gunzip of every gzip member (node's
 * Gunzip reads concatenated members), a walk over every tar header of the three concatenated tar
 * streams (signature, control, data), and SHA-1 of each regular file's content. No checks, no
 * caps, no structure: vouch must do all of this and more, so vouch / floor is its overhead.
 */
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

export const CHUNK = 1024 * 1024;

/** Walks tar headers as bytes arrive and SHA-1s every regular file; returns the file count. */
class TarWalk extends Writable {
  files = 0;
  private header = Buffer.alloc(512);
  private headerFill = 0;
  /** Content bytes left in the current entry, then padding bytes to skip. */
  private left = 0;
  private pad = 0;
  private sha1: Hash | undefined;

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error) => void): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.left > 0) {
        const n = Math.min(this.left, chunk.length - at);
        this.sha1?.update(chunk.subarray(at, at + n));
        at += n;
        this.left -= n;
        if (this.left === 0) this.endEntry();
      } else if (this.pad > 0) {
        const n = Math.min(this.pad, chunk.length - at);
        at += n;
        this.pad -= n;
      } else {
        const n = Math.min(512 - this.headerFill, chunk.length - at);
        chunk.copy(this.header, this.headerFill, at, at + n);
        this.headerFill += n;
        at += n;
        if (this.headerFill === 512) this.startEntry();
      }
    }
    done();
  }

  private startEntry(): void {
    this.headerFill = 0;
    const h = this.header;
    if (h[0] === 0) return; // a zero block: end-of-archive marker
    const size = parseInt(h.toString('latin1', 124, 136).replace(/\0.*$/s, '').trim() || '0', 8);
    const type = h[156];
    this.sha1 = type === 0x30 || type === 0 ? createHash('sha1') : undefined;
    this.left = size;
    this.pad = (512 - (size % 512)) % 512;
    if (size === 0) this.endEntry();
  }

  private endEntry(): void {
    if (this.sha1) {
      this.sha1.digest();
      this.files += 1;
    }
    this.sha1 = undefined;
  }
}

/** The floor for one package file. */
export async function floorOfFile(path: string): Promise<number> {
  const sha256 = createHash('sha256');
  const walk = new TarWalk();
  const source = createReadStream(path, { highWaterMark: CHUNK }).on('data', (c) => sha256.update(c as Buffer));
  await pipeline(source, createGunzip({ chunkSize: CHUNK }), walk);
  sha256.digest();
  return walk.files;
}
