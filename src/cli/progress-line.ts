/**
 * The progress line of one subject on stderr: what is being read, bytes done of the total,
 * entries, rate; drawn from the library's progress events (src/progress.ts), redrawn in place at
 * most every 100 ms, wiped when the reads are over. Only on a terminal that can redraw a line
 * (not TERM=dumb), never with --quiet or when the report itself goes to stderr, so that logs,
 * pipes and tests never see it; stdout is never touched. The batch bar is ./progress.ts.
 */
import type { ProgressEvent, ProgressSink } from '../progress.js';
import { redrawAllowed } from './terminal.js';
import type { Terminal } from './terminal.js';

export interface ProgressLine {
  /** For the library; undefined when nothing is drawn, so that nothing is even reported. */
  readonly sink: ProgressSink | undefined;
  /** Wipes the line before something else goes to stderr; the next event draws it again. */
  clear(): void;
  /** Wipes the line for good: the reads are over (or failed); later events are ignored. */
  stop(): void;
}

export interface ProgressLineOptions {
  readonly quiet: boolean;
  /** The report is written to stderr too (--output /dev/stderr): a line would garble it. */
  readonly reportOnStderr: boolean;
  readonly stream?: Terminal & { write(text: string): unknown };
  readonly env?: NodeJS.ProcessEnv;
  /** A monotonic clock in milliseconds (tests give their own). */
  readonly clock?: () => number;
}

/** Redraws at most this often: a layer of tiny files would otherwise spend its time drawing. */
export const REDRAW_MS = 100;

const NONE: ProgressLine = { sink: undefined, clear() {}, stop() {} };

export function progressLine(options: ProgressLineOptions): ProgressLine {
  const stream = options.stream ?? process.stderr;
  if (options.quiet || options.reportOnStderr || !redrawAllowed(options.env ?? process.env, stream)) return NONE;
  const clock = options.clock ?? (() => performance.now());
  // Pieces of work under way, oldest first; the same objects the library updates in place.
  const active = new Map<number, ProgressEvent>();
  let since = 0; // when the reads under way began (the rate is over them, not over pauses between)
  let endedBytes = 0; // bytes of pieces already done since then
  let shown = false;
  let drawnAt = 0;
  let stopped = false;

  const wipe = (): void => {
    if (shown) stream.write('\r\u001b[K');
    shown = false;
  };
  const draw = (now: number): void => {
    stream.write(`\r${lineOf([...active.values()], endedBytes, (now - since) / 1000, (stream.columns || 80) - 1)}\u001b[K`);
    shown = true;
    drawnAt = now;
  };
  const sink: ProgressSink = (event) => {
    if (stopped) return;
    const now = clock();
    if (active.size === 0) {
      since = now;
      endedBytes = 0;
    }
    if (event.done) {
      if (active.delete(event.id)) endedBytes += event.bytes;
      if (active.size === 0) wipe();
      return;
    }
    if (!active.has(event.id)) active.set(event.id, event);
    // The first draw is at once (and after a wipe); later ones at most every REDRAW_MS.
    if (!shown || now - drawnAt >= REDRAW_MS) draw(now);
  };
  return {
    sink,
    clear: wipe,
    stop() {
      stopped = true;
      active.clear();
      wipe();
    },
  };
}

/** `reading layer sha256:0123456789ab (+2 more)  12.3/45.0 MiB  1,234 entries  8.1 MiB/s`, fitted to `width`. */
export function lineOf(events: readonly ProgressEvent[], endedBytes: number, seconds: number, width: number): string {
  const first = events[0];
  if (first === undefined) return '';
  let bytes = 0;
  let total: number | undefined = 0;
  let entries: number | undefined;
  for (const e of events) {
    bytes += e.bytes;
    total = total === undefined || e.totalBytes === undefined ? undefined : total + e.totalBytes;
    if (e.kind === 'layer' || e.kind === 'tree') entries = (entries ?? 0) + e.entries;
  }
  const rate = seconds > 0 ? (endedBytes + bytes) / seconds : 0;
  const numbers = [
    total === undefined || total === 0 ? sizeOf(bytes) : pairOf(bytes, total),
    ...(entries === undefined ? [] : [`${entries.toLocaleString('en-US')} entries`]),
    ...(rate > 0 ? [`${sizeOf(rate)}/s`] : []),
  ].join('  ');
  const more = events.length > 1 ? ` (+${events.length - 1} more)` : '';
  const verb = verbOf(first);
  const label = fitted(visible(first.label), Math.max(12, width - verb.length - 1 - numbers.length - more.length - 2));
  return `${verb} ${label}${more}  ${numbers}`.slice(0, Math.max(0, width));
}

function verbOf(event: ProgressEvent): string {
  switch (event.kind) {
    case 'layer':
    case 'file':
    case 'tree':
      return 'reading';
    case 'download':
      return 'downloading';
  }
}

/**
 * Labels come from the command line or the subject (paths, URLs, digests): control characters
 * are replaced so that nothing in them can move the cursor or recolour the terminal, and digests
 * are shortened as container tools show them.
 */
function visible(label: string): string {
  return label.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').replace(/sha256:([0-9a-f]{12})[0-9a-f]{52}/g, 'sha256:$1');
}

/** Keeps the end of a long label (the file name of a path), as many characters as fit. */
function fitted(text: string, width: number): string {
  return text.length <= width ? text : `…${text.slice(text.length - width + 1)}`;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

function unitOf(n: number): number {
  let u = 0;
  while (n >= 1024 && u < UNITS.length - 1) {
    n /= 1024;
    u++;
  }
  return u;
}

function inUnit(n: number, u: number): string {
  return u === 0 ? String(Math.round(n)) : (n / 1024 ** u).toFixed(1);
}

function sizeOf(n: number): string {
  const u = unitOf(n);
  return `${inUnit(n, u)} ${UNITS[u] ?? 'B'}`;
}

/** Done and total in the total's unit: 12.3/45.0 MiB. */
function pairOf(done: number, total: number): string {
  const u = unitOf(total);
  return `${inUnit(done, u)}/${inUnit(total, u)} ${UNITS[u] ?? 'B'}`;
}
