import assert from 'node:assert/strict';
import { test } from 'node:test';
import { textStyle } from './terminal.js';

const tty = { isTTY: true, columns: 132 };
const pipe = { isTTY: false, columns: undefined };

test('colour: FORCE_COLOR first, then NO_COLOR, then TERM=dumb, then whether stdout is a terminal', () => {
  assert.equal(textStyle({}, tty, false).color, true);
  assert.equal(textStyle({}, pipe, false).color, false);
  assert.equal(textStyle({ FORCE_COLOR: '1' }, pipe, false).color, true, 'forced into a pipe');
  assert.equal(textStyle({ FORCE_COLOR: '' }, pipe, false).color, true, 'an empty FORCE_COLOR forces too, as in Node');
  assert.equal(textStyle({ FORCE_COLOR: '0' }, tty, false).color, false);
  assert.equal(textStyle({ FORCE_COLOR: 'false' }, tty, false).color, false);
  assert.equal(textStyle({ FORCE_COLOR: '1', NO_COLOR: '1' }, tty, false).color, true, 'FORCE_COLOR wins, as in Node');
  assert.equal(textStyle({ NO_COLOR: '1' }, tty, false).color, false);
  assert.equal(textStyle({ NO_COLOR: '' }, tty, false).color, true, 'an empty NO_COLOR is unset (no-color.org)');
  assert.equal(textStyle({ TERM: 'dumb' }, tty, false).color, false);
  assert.equal(textStyle({ FORCE_COLOR: '1' }, tty, true).color, false, 'a report written to a file is never coloured');
});

test("width: the terminal's, within 60..200; 80 into a pipe or a file", () => {
  assert.equal(textStyle({}, tty, false).width, 132);
  assert.equal(textStyle({}, { isTTY: true, columns: 20 }, false).width, 60);
  assert.equal(textStyle({}, { isTTY: true, columns: 500 }, false).width, 200);
  assert.equal(textStyle({}, { isTTY: true, columns: undefined }, false).width, 80);
  assert.equal(textStyle({}, pipe, false).width, 80);
  assert.equal(textStyle({}, tty, true).width, 80);
});
