/**
 * Build step (`npm run build`): writes .oclif.manifest.json, the list of commands and flags oclif
 * otherwise rebuilds at every start by importing every command module (about 100 ms). It is made
 * from the compiled commands, so it is exactly as fresh as dist/; in development (bin/dev.js) oclif
 * still runs the source commands, and only `--help` listings can lag until the next build.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Plugin } from '@oclif/core';

const root = fileURLToPath(new URL('../..', import.meta.url));
const plugin = new Plugin({ root, type: 'core', isRoot: true, ignoreManifest: true });
await plugin.load();
await writeFile(new URL('.oclif.manifest.json', `file://${root}/`), `${JSON.stringify(plugin.manifest)}\n`);
