/**
 * Splits a configured, possibly quoted, dotted name ("schema.table", `"my schema"."odd.table"`) into
 * its parts, with SQL quoting rules: inside quotes a doubled quote is one quote character and dots are
 * part of the name. Throws a plain Error saying what is wrong; callers turn it into their own message.
 */
export function splitQualifiedName(text: string, quote: '"' | '`'): string[] {
  const parts: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === quote) {
      let name = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new Error(quote === '"' ? 'an unterminated double quote' : 'an unterminated back-quote');
        if (text[i] === quote) {
          if (text[i + 1] === quote) {
            name += quote;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        name += text[i++];
      }
      parts.push(name);
    } else {
      const dot = text.indexOf('.', i);
      const end = dot < 0 ? text.length : dot;
      parts.push(text.slice(i, end));
      i = end;
    }
    if (i < text.length) {
      if (text[i] !== '.') throw new Error(`an unexpected character at position ${i}`);
      i++;
      if (i === text.length) throw new Error('a trailing dot');
    }
  }
  return parts;
}
