import { open } from 'node:fs/promises';
import { fail, messageOf } from '../../errors.js';

/**
 * Reads a whole small file (bundle, key, trusted root) but never more than `max` bytes: the size is
 * checked on the open handle and the read stops at max + 1, so a growing or special file cannot
 * make vouch buffer more than the cap.
 */
export async function readBoundedFile(path: string, max: number, what: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    return fail('INPUT_UNREADABLE', `cannot read ${what} ${path}: ${messageOf(err)}`, { cause: err });
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) fail('INPUT_UNREADABLE', `${what} ${path} is not a regular file`);
    if (stat.size > max) fail('LIMIT_EXCEEDED', `${what} ${path} is ${stat.size} bytes, more than the limit of ${max}`);
    const buf = Buffer.alloc(Math.min(stat.size, max) + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, length, buf.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > max) fail('LIMIT_EXCEEDED', `${what} ${path} is more than the limit of ${max} bytes`);
      if (length === buf.length) fail('INPUT_UNREADABLE', `${what} ${path} changed while it was read`);
    }
    return buf.subarray(0, length);
  } finally {
    await handle.close();
  }
}
