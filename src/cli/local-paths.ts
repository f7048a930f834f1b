import { accessSync, constants, existsSync, fstatSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { VouchError } from '../errors.js';

/**
 * `--output FILE` is checked before any work: a report that cannot be written after minutes of
 * verification is wasted work, and a wrong path is the user's mistake (a usage error, exit 2),
 * not something vouch could not check.
 */
export function checkOutputWritable(path: string | undefined): void {
  if (path === undefined) return;
  const usage = (message: string, hint: string): never => {
    throw new VouchError({ code: 'USAGE', message, hints: [hint] });
  };
  const target = resolve(path);
  if (existsSync(target)) {
    if (statSync(target).isDirectory()) usage(`--output ${path} is a directory`, 'name a file to write the report to, e.g. --output report.json');
    if (!writable(target)) usage(`--output ${path} cannot be written: permission denied`, 'choose another file or change its permissions');
    return;
  }
  const parent = dirname(target);
  if (!existsSync(parent)) usage(`--output ${path}: the directory ${dirname(path)} does not exist`, 'create the directory first, or choose a file in an existing one');
  if (!statSync(parent).isDirectory()) usage(`--output ${path}: ${dirname(path)} is not a directory`, 'choose a file in an existing directory');
  if (!writable(parent)) usage(`--output ${path}: the directory ${dirname(path)} cannot be written: permission denied`, 'choose a directory you can write to');
}

/**
 * Whether `--output` names the file stderr already is (/dev/stderr, /dev/fd/2, the terminal's
 * own device): the report then goes to stderr, and a progress line there would garble it.
 */
export function sameFileAsStderr(path: string | undefined): boolean {
  if (path === undefined) return false;
  try {
    const out = statSync(path);
    const err = fstatSync(2);
    return out.dev === err.dev && out.ino === err.ino;
  } catch {
    return false;
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * An image reference without a transport is read as a registry reference, so `vouch image ./dir`
 * would ask Docker Hub for an image called "dir". When the reference names something on this
 * machine that vouch can read locally, say how to name it instead of going to the network.
 */
export function refuseLocalPathAsRegistry(reference: string): void {
  if (reference.startsWith('oci:') || reference.startsWith('docker-archive:') || reference.startsWith('dir:')) return;
  if (!existsSync(reference)) return;
  const info = statSync(reference);
  if (info.isDirectory() && (existsSync(join(reference, 'oci-layout')) || existsSync(join(reference, 'index.json')))) {
    throw new VouchError({ code: 'USAGE', message: `${reference} is a local OCI layout directory, not a registry reference`, hints: [`name it oci:${reference} (or oci:${reference}:TAG)`] });
  }
  if (info.isDirectory() && existsSync(join(reference, 'manifest.json'))) {
    throw new VouchError({ code: 'USAGE', message: `${reference} is a local directory written by skopeo's dir: transport, not a registry reference`, hints: [`name it dir:${reference}`] });
  }
  if (info.isFile()) {
    throw new VouchError({ code: 'USAGE', message: `${reference} is a local file, not a registry reference`, hints: [`a \`docker save\` archive is named docker-archive:${reference}; an OCI layout directory oci:DIR`] });
  }
}
