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
