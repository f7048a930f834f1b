#!/usr/bin/env node
// Production entry point: runs the bundled CLI, dist/vouch.js (built by `npm run build`, which `npm ci` runs).
import { execute } from '../dist/vouch.js';

await execute({ dir: import.meta.url });
