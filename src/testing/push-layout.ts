import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestRegistry } from './registry.js';
import { pushBlob } from './registry.js';

interface Desc {
  readonly mediaType: string;
  readonly digest: string;
}

/**
 * Pushes an OCI layout to <registry>/<repo>: every blob, every manifest by digest, and each
 * top-level entry under its ref.name tag, for the tags `keep` accepts (a cosign save layout names
 * its signatures `sha256-<digest>.sig`/`.att`: leaving them out gives an unsigned twin).
 */
export async function pushLayout(reg: TestRegistry, dir: string, repo: string, keep: (tag: string) => boolean = () => true): Promise<void> {
  const blob = (d: string): Buffer => readFileSync(join(dir, 'blobs', 'sha256', d.slice(7)));
  const pushed = new Set<string>();
  const putBlob = async (d: string): Promise<void> => {
    if (pushed.has(d)) return;
    pushed.add(d);
    await pushBlob(reg, repo, blob(d));
  };
  const putManifest = async (desc: Desc, ref: string): Promise<void> => {
    const doc = JSON.parse(blob(desc.digest).toString()) as { manifests?: Desc[]; config?: Desc; layers?: Desc[] };
    for (const child of doc.manifests ?? []) await putManifest(child, child.digest);
    for (const b of [...(doc.config ? [doc.config] : []), ...(doc.layers ?? [])]) await putBlob(b.digest);
    const r = await fetch(`${reg.url}/v2/${repo}/manifests/${ref}`, { method: 'PUT', body: new Uint8Array(blob(desc.digest)), headers: { 'content-type': desc.mediaType } });
    if (r.status !== 201) throw new Error(`manifest ${ref}: HTTP ${r.status} ${await r.text()}`);
  };
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: (Desc & { annotations?: Record<string, string> })[] };
  for (const m of index.manifests) {
    const tag = m.annotations?.['org.opencontainers.image.ref.name'] ?? m.digest;
    if (keep(tag)) await putManifest(m, tag);
  }
}
