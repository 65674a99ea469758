/** MariaDB INET4: dotted quad of the 4 bytes (network order). */
export function formatInet4(b: Buffer): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

/**
 * MariaDB INET6 as the server prints it: RFC 5952 (lower-case hex, the longest run of two or more zero
 * groups as "::", the first on a tie), with IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d,
 * except :: and ::1) addresses in dotted form.
 */
export function formatInet6(b: Buffer): string {
  let leadingZeros = true;
  for (let i = 0; i < 10; i++) if (b[i] !== 0) leadingZeros = false;
  if (leadingZeros) {
    const v4 = formatInet4(b.subarray(12, 16));
    if (b[10] === 0xff && b[11] === 0xff) return `::ffff:${v4}`;
    if (b[10] === 0 && b[11] === 0 && b.readUInt32BE(12) > 1) return `::${v4}`;
  }
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (g: number) => g.toString(16);
  if (bestStart < 0) return groups.map(hex).join(':');
  return `${groups.slice(0, bestStart).map(hex).join(':')}::${groups.slice(bestStart + bestLength).map(hex).join(':')}`;
}
