import type { Value } from '../model/logical-type.js';
import { formatPgText } from '../postgres/text-values.js';
import type { TargetColumn } from './target-table.js';

/**
 * A value of the target column's LogicalType → the text PostgreSQL's input function reads back to
 * exactly that value (formatPgText), cast by the statement to the column's type.
 */
export function pgParam(column: TargetColumn, value: Value): string {
  return formatPgText(column.type!, value);
}
