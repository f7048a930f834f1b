/**
 * How the text report is styled for where it goes, as other command-line tools decide it:
 * FORCE_COLOR first (0 or false: never; anything else: always, even into a pipe, as Node and
 * chalk read it), then NO_COLOR (https://no-color.org), then TERM=dumb, then whether stdout is a
 * terminal. A report written to a file is never coloured. The width is the terminal's (within
 * 60..200 columns so that a very narrow or wide window still gives readable lines), else 80, so
 * that output into a pipe or a file is the same everywhere.
 */
export interface TextStyle {
  readonly color: boolean;
  readonly width: number;
}

export interface Terminal {
  readonly isTTY: boolean;
  readonly columns?: number | undefined;
}

export function textStyle(env: NodeJS.ProcessEnv, out: Terminal, toFile: boolean): TextStyle {
  return { color: !toFile && colorWanted(env, out.isTTY), width: out.isTTY && !toFile ? clampWidth(out.columns) : 80 };
}

function colorWanted(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return !(force === '0' || force.toLowerCase() === 'false');
  if (env['NO_COLOR']) return false;
  if (env['TERM'] === 'dumb') return false;
  return isTTY;
}

function clampWidth(columns: number | undefined): number {
  if (columns === undefined || !Number.isFinite(columns) || columns <= 0) return 80;
  return Math.min(200, Math.max(60, Math.floor(columns)));
}

/**
 * Whether a line may be redrawn in place (progress): only on a terminal, and not on one that
 * says it is dumb, which shows carriage returns and erase-line sequences as garbage. NO_COLOR is
 * about colour only and does not silence progress, as in other command-line tools.
 */
export function redrawAllowed(env: NodeJS.ProcessEnv, out: Terminal): boolean {
  return out.isTTY && env['TERM'] !== 'dumb';
}
