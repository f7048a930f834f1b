import { fail } from '../errors.js';
import { openInputStream } from '../sources/local-file.js';
import { parseLine } from './line.js';
import type { BatchLine } from './types.js';

/** Subjects one merge reads at most: the summary keeps a row for each. */
export const MAX_MERGE_SUBJECTS = 5_000_000;

/**
 * The lines of one results file (a shard's --format jsonl output), streamed: a line longer than
 * `maxLineBytes` is refused before it is held whole, blank lines are skipped, every other line
 * must be a valid batch line (parseLine).
 */
export async function* readResultLines(path: string, maxLineBytes: number, signal?: AbortSignal): AsyncGenerator<BatchLine> {
  const { stream } = await openInputStream(path, { what: 'results file', ...(signal !== undefined && { signal }) });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let lineNo = 0;
  const take = (tail: Buffer): BatchLine | undefined => {
    lineNo++;
    const text = Buffer.concat([...pending, tail]).toString('utf8').trim();
    pending = [];
    pendingBytes = 0;
    return text === '' ? undefined : parseLine(text, `${path}:${lineNo}`);
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
      if (pendingBytes + nl - start > maxLineBytes) tooLong(path, lineNo + 1, maxLineBytes);
      const line = take(chunk.subarray(start, nl));
      if (line !== undefined) yield line;
      start = nl + 1;
    }
    const rest = chunk.subarray(start);
    pendingBytes += rest.length;
    if (pendingBytes > maxLineBytes) tooLong(path, lineNo + 1, maxLineBytes);
    if (rest.length > 0) pending.push(Buffer.from(rest));
  }
  const last = take(Buffer.alloc(0));
  if (last !== undefined) yield last;
}

function tooLong(path: string, lineNo: number, max: number): never {
  return fail('LIMIT_EXCEEDED', `${path}:${lineNo}: a line is longer than ${max} bytes (raise with --max-document-size)`);
}
