import { VouchError } from '../../errors.js';
import type { Digest } from './digest.js';
import { isDigest } from './digest.js';

/** Where an image is kept, parsed from what the user typed. */
export type ImageReference =
  | { readonly kind: 'registry'; readonly registry: string; readonly repository: string; readonly tag?: string; readonly digest?: Digest; readonly text: string }
  | { readonly kind: 'oci-layout'; readonly dir: string; readonly tag?: string; readonly digest?: Digest; readonly text: string }
  | { readonly kind: 'docker-archive'; readonly file: string; readonly text: string }
  | { readonly kind: 'dir'; readonly dir: string; readonly text: string };

/** Docker Hub as the reference grammar names it, and the host its API really lives on. */
export const DOCKER_HUB = 'docker.io';
export const DOCKER_HUB_API = 'registry-1.docker.io';

const HINT = 'use registry.example.com/org/repo:tag, registry.example.com/org/repo@sha256:<hex>, oci:<dir>[:tag|@sha256:<hex>], docker-archive:<file.tar> or dir:<dir>';
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$|^\[[0-9a-fA-F:.]+\](?::[0-9]+)?$/;

function usage(text: string, why: string): never {
  throw new VouchError({ code: 'USAGE', message: `invalid image reference ${JSON.stringify(text)}: ${why}`, hints: [HINT] });
}

/** Parses `oci:`, `docker-archive:`, `dir:` and registry references (Docker Hub short names included). */
export function parseImageReference(text: string): ImageReference {
  if (text.startsWith('oci:')) return parseLayout(text);
  if (text.startsWith('docker-archive:')) {
    const file = text.slice('docker-archive:'.length);
    if (file === '') usage(text, 'docker-archive: needs a file');
    return { kind: 'docker-archive', file, text };
  }
  if (text.startsWith('dir:')) {
    // skopeo's dir: transport names the whole directory; there is no tag or digest to pick.
    const dir = text.slice('dir:'.length);
    if (dir === '') usage(text, 'dir: needs a directory');
    return { kind: 'dir', dir, text };
  }
  const transport = /^(docker-daemon|containers-storage|oci-archive):/.exec(text);
  if (transport) usage(text, `the "${transport[1]}:" transport is not supported`);
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(text)) usage(text, 'a registry reference has no URL scheme');
  return parseRegistry(text);
}

function parseLayout(text: string): ImageReference {
  const rest = text.slice('oci:'.length);
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const digest = rest.slice(at + 1);
    if (!isDigest(digest)) usage(text, 'the part after @ must be sha256:<64 lowercase hex>');
    const dir = rest.slice(0, at);
    if (dir === '') usage(text, 'oci: needs a directory');
    return { kind: 'oci-layout', dir, digest, text };
  }
  const colon = rest.lastIndexOf(':');
  if (colon > 0 && !rest.slice(colon + 1).includes('/')) {
    const tag = rest.slice(colon + 1);
    if (!TAG.test(tag)) usage(text, `invalid tag "${tag}"`);
    return { kind: 'oci-layout', dir: rest.slice(0, colon), tag, text };
  }
  if (rest === '') usage(text, 'oci: needs a directory');
  return { kind: 'oci-layout', dir: rest, text };
}

function parseRegistry(text: string): ImageReference {
  let name = text;
  let digest: Digest | undefined;
  let tag: string | undefined;
  const at = name.indexOf('@');
  if (at >= 0) {
    const d = name.slice(at + 1);
    if (!isDigest(d)) usage(text, 'the part after @ must be sha256:<64 lowercase hex>');
    digest = d;
    name = name.slice(0, at);
  }
  const lastSlash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = name.slice(colon + 1);
    if (!TAG.test(tag)) usage(text, `invalid tag "${tag}"`);
    name = name.slice(0, colon);
  }
  const parts = name.split('/');
  let registry = DOCKER_HUB;
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['))) {
    if (!DOMAIN.test(first)) usage(text, `invalid registry host "${first}"`);
    registry = first;
    parts.shift();
  }
  if (registry === 'index.docker.io') registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  for (const part of parts) {
    if (!COMPONENT.test(part)) usage(text, `invalid repository path component "${part}" (lowercase letters, digits, separators)`);
  }
  const repository = parts.join('/');
  if (repository.length > 255) usage(text, 'repository name is longer than 255 characters');
  if (digest === undefined && tag === undefined) tag = 'latest';
  return { kind: 'registry', registry, repository, ...(tag !== undefined ? { tag } : {}), ...(digest ? { digest } : {}), text };
}

/** The host the registry API is reached at (Docker Hub's API host differs from its name). */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_API : registry;
}
