/**
 * apk-tools' `apk verify` as a row of the apk benchmarks, when APK_TOOLS names an apk binary
 * (apk-tools 2.14 built from source; docs/performance.md says how). Run with an empty root and
 * an explicit keys directory, so nothing of this machine's own apk configuration is read.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childCpu } from './cpu.js';
import type { Cpu } from './cpu.js';

export const APK_TOOLS = process.env['APK_TOOLS'];

let root: string | undefined;

/** The argv of one `apk verify FILE…` with an empty root and the given keys directory. */
export function apkVerifyArgv(files: readonly string[], keysDir: string): string[] {
  if (APK_TOOLS === undefined) throw new Error('APK_TOOLS is not set');
  root ??= mkdtempSync(join(tmpdir(), 'vouch-bench-apkroot-'));
  return [APK_TOOLS, '--root', root, '--keys-dir', keysDir, 'verify', ...files];
}

/** CPU of one `apk verify FILE…` process over `files` (its exit status: 0 when all verified). */
export function apkVerify(files: readonly string[], keysDir: string, times = 1): Cpu & { readonly status: number | null } {
  return childCpu(apkVerifyArgv(files, keysDir), times);
}
