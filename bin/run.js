#!/usr/bin/env node
// Production entry point: runs the bundled CLI, dist/vouch.js (built by `npm run build`, which `npm ci` runs).
// An older Node would fail deep inside (missing node:zlib zstd, node:sqlite): say so at once, and
// exit 3 ("could not check"), never with a verdict.
const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  process.stderr.write(`vouch: could not check: vouch needs Node 22.22.2 or later (24 LTS recommended); this is Node ${process.versions.node}\n`);
  process.exit(3);
}
const { execute } = await import('../dist/vouch.js');
await execute({ dir: import.meta.url });
