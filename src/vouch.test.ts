import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from './vouch.js';

const COMMANDS_DIR = fileURLToPath(new URL('./commands', import.meta.url));

function commandIds(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return commandIds(join(dir, e.name));
    if (!e.name.endsWith('.ts') || e.name.endsWith('.test.ts')) return [];
    return [relative(COMMANDS_DIR, join(dir, e.name)).replace(/\.ts$/, '').split('/').join(':')];
  });
}

test('the command table oclif reads (explicit strategy) lists every file in src/commands, by its id', () => {
  assert.deepEqual(Object.keys(COMMANDS).sort(), commandIds(COMMANDS_DIR).sort());
  for (const [id, command] of Object.entries(COMMANDS)) {
    assert.equal(typeof command.run, 'function', `${id} is not a command class`);
  }
});

test('an older Node is refused at once with exit 3 and a sentence, before any work', async () => {
  const { spawnSync } = await import('node:child_process');
  const { PROJECT_ROOT } = await import('./testing/cli.js');
  // The machine's own node, when it is older than vouch supports (Debian's 20 here); else nothing to show.
  const probe = spawnSync('/usr/bin/node', ['-p', 'process.versions.node'], { encoding: 'utf8' });
  const major = Number((probe.stdout ?? '').split('.')[0]);
  if (probe.status !== 0 || !(major < 22)) return;
  const r = spawnSync('/usr/bin/node', [join(PROJECT_ROOT, 'bin', 'run.js'), 'image', 'registry.example.com/app:1'], { encoding: 'utf8' });
  assert.equal(r.status, 3);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^vouch: could not check: vouch needs Node 22\.22\.2 or later .* this is Node 20\./);
});
