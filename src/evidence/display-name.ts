/**
 * Names from archives may hold bytes that are not UTF-8; vouch keeps them losslessly, each such
 * byte as a lone surrogate U+DC80..U+DCFF (sources/tar/names.ts). Printed as they are, they would
 * all become U+FFFD and two different names would look the same, so messages and text reports
 * use this escaped form: escaped bytes as \xNN, a backslash as \\, control characters as
 * \u00NN. Names that are plain printable UTF-8 stay as they are.
 */
export function displayName(name: string): string {
  if (!/[\\\u0000-\u001f\u007f\udc80-\udcff]/.test(name)) return name;
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x5c) out += '\\\\';
    else if (c < 0x20 || c === 0x7f) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else if (c >= 0xdc80 && c <= 0xdcff && !isLowHalfOfPair(name, i)) out += `\\x${(c - 0xdc00).toString(16).padStart(2, '0')}`;
    else out += name[i];
  }
  return out;
}

function isLowHalfOfPair(s: string, i: number): boolean {
  if (i === 0) return false;
  const prev = s.charCodeAt(i - 1);
  return prev >= 0xd800 && prev <= 0xdbff;
}
