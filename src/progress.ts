/**
 * Progress of long reads, as events: the library reports what it is reading and how far it got;
 * it never draws. The CLI draws one line on stderr from these events (src/cli/progress-line.ts);
 * a library caller passes `onProgress`. Progress is an observation only: it never changes what is
 * checked or the verdict.
 *
 * Emitting sits on the hottest paths (every chunk of a layer, every tar entry), so it must cost no
 * more than a counter update and one call: each piece of work allocates ONE event object when it
 * starts and updates it in place; throttling is the renderer's job. Without a sink nothing is
 * allocated at all (a shared no-op task).
 */

interface ProgressBase {
  /** Tells concurrent pieces of work apart (layers are read three at a time); unique in the process. */
  readonly id: number;
  /** What is read, for people: `layer sha256:…`, a file path, a URL without credentials. */
  readonly label: string;
  /** The last event of a piece of work that completed; work that fails ends without one. */
  readonly done: boolean;
}

/**
 * One piece of long work and how far it got. The same object is updated in place for every event
 * of one piece of work (see above): read it during the call, copy what you keep.
 */
export type ProgressEvent =
  /** An image layer: bytes of the compressed blob read (from a registry: downloaded and verified), tar entries seen. */
  | (ProgressBase & { readonly kind: 'layer'; readonly bytes: number; readonly totalBytes: number; readonly entries: number })
  /** A body over HTTP(S): an APKINDEX, a package by URL, a registry blob that is not a layer; the total when the server gave one. */
  | (ProgressBase & { readonly kind: 'download'; readonly bytes: number; readonly totalBytes: number | undefined })
  /** A local file read through: a package, an APKINDEX, an artifact being hashed. */
  | (ProgressBase & { readonly kind: 'file'; readonly bytes: number; readonly totalBytes: number })
  /** A root filesystem: entries walked and bytes of file content read; the total is known for a tar, not a directory. */
  | (ProgressBase & { readonly kind: 'tree'; readonly bytes: number; readonly totalBytes: number | undefined; readonly entries: number });

export type ProgressKind = ProgressEvent['kind'];

/** Receives progress events; called synchronously on the reading path, so it must return at once. */
export type ProgressSink = (event: ProgressEvent) => void;

/** What the reading code holds for one piece of work. */
export interface ProgressTask {
  /** `n` more bytes were read. */
  bytes(n: number): void;
  /** One more entry was seen (layers and trees). */
  entry(): void;
  /** The work completed; a piece of work that fails is simply not ended. */
  end(): void;
}

/** The task of work nobody watches. */
export const NO_PROGRESS: ProgressTask = { bytes() {}, entry() {}, end() {} };

let lastId = 0;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Starts reporting one piece of work to `sink` (none: a no-op task, nothing allocated). */
export function startProgress(sink: ProgressSink | undefined, kind: ProgressKind, label: string, totalBytes?: number): ProgressTask {
  if (sink === undefined) return NO_PROGRESS;
  const base = { id: ++lastId, label, done: false, bytes: 0 };
  const event = eventOf(kind, base, totalBytes) as Mutable<ProgressEvent> & { entries?: number };
  sink(event);
  return {
    bytes(n) {
      event.bytes += n;
      sink(event);
    },
    entry() {
      if (event.entries !== undefined) event.entries++;
      sink(event);
    },
    end() {
      if (event.done) return;
      event.done = true;
      sink(event);
    },
  };
}

function eventOf(kind: ProgressKind, base: { id: number; label: string; done: boolean; bytes: number }, totalBytes: number | undefined): ProgressEvent {
  switch (kind) {
    case 'layer':
      return { kind, ...base, totalBytes: totalBytes ?? 0, entries: 0 };
    case 'download':
      return { kind, ...base, totalBytes };
    case 'file':
      return { kind, ...base, totalBytes: totalBytes ?? 0 };
    case 'tree':
      return { kind, ...base, totalBytes, entries: 0 };
  }
}

/**
 * A caller's sink made safe for the reading path: progress is an observation, so a sink that
 * throws must not turn into a read error of the subject (misreported as malformed input) nor
 * change a verdict. Its first error is logged, and it is not called again.
 */
export function guardedSink(sink: ProgressSink | undefined, warn: (message: string) => void): ProgressSink | undefined {
  if (sink === undefined) return undefined;
  let broken = false;
  return (event) => {
    if (broken) return;
    try {
      sink(event);
    } catch (err) {
      broken = true;
      warn(`the progress callback threw (${err instanceof Error ? err.message : String(err)}); progress is no longer reported`);
    }
  };
}
