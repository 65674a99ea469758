/** A short, unambiguous rendering of an arbitrary value for error messages (bigint as 12n, -0 as -0). */
export function describeValue(value: unknown, maxLength = 160): string {
  let text: string;
  if (typeof value === 'bigint') text = `${value}n`;
  else if (typeof value === 'number') text = Object.is(value, -0) ? '-0' : String(value);
  else if (typeof value === 'string') text = JSON.stringify(value);
  else if (Buffer.isBuffer(value)) text = `<Buffer of ${value.length} bytes>`;
  else if (typeof value === 'object' && value !== null) {
    try {
      text = JSON.stringify(value, (_key, inner: unknown) => (typeof inner === 'bigint' ? `${inner}n` : inner));
    } catch {
      text = Object.prototype.toString.call(value);
    }
  } else text = String(value);
  return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
}
