/** A column as information_schema describes it (MySQL 5.7+/8, MariaDB 10.3+), with the facts the reader needs. */
export interface CatalogColumn {
  name: string;
  /** information_schema DATA_TYPE, lower case: "int", "varchar", "uuid", … */
  dataType: string;
  /** information_schema COLUMN_TYPE: "int(10) unsigned", "enum('a','b')", … */
  columnType: string;
  nullable: boolean;
  unsigned: boolean;
  /** CHARACTER_SET_NAME (null for non-character types). */
  charset: string | null;
  numericPrecision: number | null;
  numericScale: number | null;
  datetimePrecision: number | null;
  /** CHARACTER_MAXIMUM_LENGTH: characters for character types, bytes for binary ones. */
  charMaxLength: number | null;
  /** MySQL JSON, or a MariaDB JSON column (LONGTEXT with the CHECK (json_valid(`col`)) MariaDB adds). */
  json: boolean;
  /** ENUM / SET labels in declaration order. */
  labels: string[] | null;
  /** A generated column the binlog does not carry (MariaDB VIRTUAL), if any. */
  virtual: boolean;
}

/**
 * Reads the labels out of COLUMN_TYPE "enum('a','it''s')" / "set(…)": single-quoted, '' for a quote.
 * (MySQL and MariaDB print backslashes in labels as is.)
 */
export function parseEnumLabels(columnType: string): string[] {
  const open = columnType.indexOf('(');
  const labels: string[] = [];
  let i = open + 1;
  while (i < columnType.length && columnType[i] === "'") {
    let label = '';
    i++;
    for (;;) {
      const ch = columnType[i];
      if (ch === undefined) return labels;
      if (ch === "'") {
        if (columnType[i + 1] === "'") {
          label += "'";
          i += 2;
          continue;
        }
        i++;
        break;
      }
      label += ch;
      i++;
    }
    labels.push(label);
    if (columnType[i] === ',') i++;
  }
  return labels;
}
