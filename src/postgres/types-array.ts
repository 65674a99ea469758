import type { LogicalType, Value } from '../model/logical-type.js';
import { badValue, malformed, unsupportedValue } from './types-common.js';

type ArrayType = Extract<LogicalType, { kind: 'array' }>;

/*
 * array_out, for element types whose delimiter is ',' (every type the catalog accepts in an array):
 *
 *   array    := [bounds '='] '{' [element (',' element)*] '}'
 *   bounds   := ('[' int ':' int ']')+          printed only when some lower bound is not 1
 *   element  := 'NULL'                          (unquoted, any letter case: SQL NULL)
 *             | '"' (char - ('"' | '\') | '\' char)* '"'
 *             | unquoted
 *             | array                           (a sub-array: the array is multi-dimensional)
 *   unquoted := (char - ('{' | '}' | '"' | ',' | '\' | blank) | '\' char)+
 *
 * array_out quotes an element when it is empty, equals NULL in any case, or contains '{', '}', '"', ',',
 * '\' or a blank, and then escapes '"' and '\' with a backslash. array_in also allows blanks around
 * elements and backslash escapes outside quotes; both are read here too. An empty array is "{}".
 *
 * The value model is one-dimensional with lower bound 1; anything else is refused (VALUE_UNSUPPORTED).
 */

const EXPECTED = 'a PostgreSQL array literal like {1,2,NULL,"a \\"b\\""}';

function isBlank(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

export function parseArray(
  type: ArrayType,
  text: string,
  parseElement: (element: LogicalType, text: string) => Value,
): Array<Value | null> {
  const first = text.charCodeAt(0);
  if (first === 91 /* [ */) {
    const eq = text.indexOf('=');
    throw unsupportedValue(
      type,
      text,
      `it has explicit bounds ${eq > 0 ? text.slice(0, eq) : ''}, but Tandem carries arrays as one-dimensional lists starting at index 1`,
      'renumber the array on the source so it starts at 1 (UPDATE ... SET col = array(SELECT unnest(col))), or exclude the column from the publication',
    );
  }
  if (first !== 123 /* { */) throw malformed(type, text, EXPECTED);
  const out: Array<Value | null> = [];
  const n = text.length;
  let i = 1;
  while (i < n && isBlank(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) === 125 /* } */) {
    if (i + 1 !== n) throw malformed(type, text, EXPECTED);
    return out;
  }
  for (;;) {
    while (i < n && isBlank(text.charCodeAt(i))) i++;
    const c = text.charCodeAt(i);
    if (c === 123) {
      throw unsupportedValue(
        type,
        text,
        'it is multi-dimensional, but Tandem carries arrays as one-dimensional lists',
        'store one dimension per column (or as json), or exclude the column from the publication',
      );
    }
    let element: string;
    let isNull = false;
    if (c === 34 /* " */) {
      i++;
      element = '';
      let start = i;
      for (;;) {
        if (i >= n) throw malformed(type, text, EXPECTED);
        const d = text.charCodeAt(i);
        if (d === 34) break;
        if (d === 92 /* \ */) {
          element += text.slice(start, i);
          start = i + 1; // keep the escaped character
          i += 2;
          continue;
        }
        i++;
      }
      element += text.slice(start, i);
      i++;
    } else {
      element = '';
      let start = i;
      let escaped = false;
      let lastKept = i; // end of the element without trailing blanks
      for (;; i++) {
        if (i >= n) throw malformed(type, text, EXPECTED);
        const d = text.charCodeAt(i);
        if (d === 44 /* , */ || d === 125 /* } */) break;
        if (d === 34 || d === 123) throw malformed(type, text, EXPECTED);
        if (d === 92) {
          element += text.slice(start, i);
          start = i + 1;
          i++;
          escaped = true;
          lastKept = i + 1;
          continue;
        }
        if (!isBlank(d)) lastKept = i + 1;
      }
      element += text.slice(start, Math.max(start, lastKept));
      if (element.length === 0) throw malformed(type, text, EXPECTED);
      isNull = !escaped && element.length === 4 && element.toUpperCase() === 'NULL';
    }
    out.push(isNull ? null : parseElement(type.element, element));
    while (i < n && isBlank(text.charCodeAt(i))) i++;
    const sep = text.charCodeAt(i);
    i++;
    if (sep === 44) continue;
    if (sep === 125 && i === n) return out;
    throw malformed(type, text, EXPECTED);
  }
}

/** Every element quoted (valid for all element types), '"' and '\' escaped, null as NULL. */
export function formatArray(type: ArrayType, value: unknown, formatElement: (element: LogicalType, value: unknown) => string): string {
  if (!Array.isArray(value)) throw badValue(type, value, 'an array');
  if (value.length === 0) return '{}';
  let out = '{';
  for (let k = 0; k < value.length; k++) {
    if (k > 0) out += ',';
    const v: unknown = value[k];
    if (v === null || v === undefined) {
      out += 'NULL';
      continue;
    }
    if (Array.isArray(v)) throw badValue(type, value, 'a one-dimensional array');
    const t = formatElement(type.element, v);
    out += '"';
    let start = 0;
    for (let j = 0; j < t.length; j++) {
      const c = t.charCodeAt(j);
      if (c === 34 || c === 92) {
        out += `${t.slice(start, j)}\\`;
        start = j;
      }
    }
    out += `${t.slice(start)}"`;
  }
  return `${out}}`;
}
