import { checkOptions } from '@nn/tensor';
import { DataFormatError } from '../errors';

/** Options of {@link parseCsv}. */
export interface ParseCsvOptions {
  /** The field separator, one character other than `"`, CR or LF. Default `','`. */
  delimiter?: string;
  /**
   * Whether the first record names the columns. `'auto'` (the default) treats it as a header when any of its
   * fields is not a number.
   */
  header?: boolean | 'auto';
  /**
   * The column holding the labels, split off into `labels`: a 0-based index (negative counts from the end,
   * `-1` is the last column) or a header name.
   */
  labelColumn?: number | string;
  /** Skip lines that are empty or whitespace only. Default `true`. */
  skipEmptyLines?: boolean;
  /** The file name, quoted in error messages. */
  name?: string;
}

/** A numeric CSV table: `features` is row-major `[rows, cols]`, `labels` has `rows` entries. */
export interface CsvTable {
  /** The header names of the feature columns (label column excluded), or `null` without a header. */
  columns: string[] | null;
  /** The feature values, row-major, `rows * cols` long. */
  features: Float64Array;
  /** The label column's values, or `null` when no `labelColumn` was given. */
  labels: Float64Array | null;
  /** Number of data rows. */
  rows: number;
  /** Number of feature columns. */
  cols: number;
}

interface CsvRecord {
  fields: string[];
  /** 1-based line on which the record starts. */
  line: number;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL = /^([+-]?)(nan|inf|infinity)$/i;

/** Quotes a user-provided string for an error message, cut to 40 characters. */
function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/** Parses one field as a number (decimal, exponent, `nan`, `inf`), or returns `undefined`. */
function toNumber(field: string): number | undefined {
  const text = field.trim();
  if (NUMBER.test(text)) return Number(text);
  const special = SPECIAL.exec(text);
  if (special === null) return undefined;
  if (special[2]!.toLowerCase() === 'nan') return Number.NaN;
  return special[1] === '-' ? -Infinity : Infinity;
}

/** Number of line breaks (LF, CRLF or a lone CR) in `text[from, to)`. */
function countLineBreaks(text: string, from: number, to: number): number {
  let breaks = 0;
  for (let i = from; i < to; i++) {
    const c = text[i];
    if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) breaks++;
  }
  return breaks;
}

/** Splits RFC 4180 text into records: quoted fields (with `""` escapes and line breaks), LF/CRLF/CR lines. */
function* records(text: string, delimiter: string, fail: (problem: string) => never): Generator<CsvRecord> {
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      if (text[i] === '"') {
        const opened = line;
        let value = '';
        let from = i + 1;
        for (;;) {
          const close = text.indexOf('"', from);
          if (close < 0) fail(`line ${opened}, column ${fields.length + 1}: quoted field is never closed`);
          value += text.slice(from, close);
          line += countLineBreaks(text, from, close);
          if (text[close + 1] !== '"') {
            i = close + 1;
            break;
          }
          value += '"';
          from = close + 2;
        }
        const next = text[i];
        if (i < n && next !== delimiter && next !== '\n' && next !== '\r') {
          fail(`line ${line}, column ${fields.length + 1}: unexpected ${quote(next!)} after a closing quote`);
        }
        fields.push(value);
      } else {
        let end = i;
        for (; end < n; end++) {
          const c = text[end];
          if (c === delimiter || c === '\n' || c === '\r') break;
          if (c === '"') fail(`line ${line}, column ${fields.length + 1}: stray quote in an unquoted field`);
        }
        fields.push(text.slice(i, end));
        i = end;
      }
      if (text[i] !== delimiter) break;
      i++;
    }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    line++;
    yield { fields, line: start };
  }
}

/** Resolves `labelColumn` to a 0-based index into records `width` fields wide. */
function labelIndex(
  labelColumn: number | string,
  header: string[] | null,
  width: number,
  fail: (problem: string) => never,
): number {
  if (typeof labelColumn === 'number') {
    const index = labelColumn < 0 ? width + labelColumn : labelColumn;
    if (!Number.isInteger(labelColumn) || index < 0 || index >= width) {
      fail(`labelColumn ${labelColumn} is out of range for ${width} columns`);
    }
    return index;
  }
  if (header === null)
    fail(`labelColumn ${quote(labelColumn)} names a column but the file has no header row`);
  const index = header.indexOf(labelColumn);
  if (index < 0) {
    fail(`labelColumn ${quote(labelColumn)} is not a column; columns are ${header.map(quote).join(', ')}`);
  }
  if (header.indexOf(labelColumn, index + 1) >= 0) {
    fail(`labelColumn ${quote(labelColumn)} names more than one column`);
  }
  return index;
}

/**
 * Parses CSV text of numbers into a row-major feature matrix and, with `labelColumn`, a label vector.
 * Handles quoted fields (`"1,5"` style quoting, `""` escapes), CRLF/LF/CR line ends and a UTF-8 BOM; numbers
 * are decimals with optional exponent, or `nan`/`inf`/`infinity` (any case, signed).
 *
 * @throws {DataFormatError} naming the line and column of a non-numeric or empty value, a row with a different
 * number of fields than the first, an unclosed or stray quote, or a `labelColumn` that does not exist.
 * @example parseCsv('x,y,label\n1,2,0\n3,4,1\n', { labelColumn: 'label' }) // rows 2, cols 2, labels [0, 1]
 */
export function parseCsv(text: string, options: ParseCsvOptions = {}): CsvTable {
  checkOptions('parseCsv', options, {
    delimiter: true,
    header: true,
    labelColumn: true,
    skipEmptyLines: true,
    name: true,
  });
  const { delimiter = ',', header = 'auto', labelColumn, skipEmptyLines = true, name } = options;
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new RangeError(
      `parseCsv: delimiter must be one character other than '"', CR or LF; got ${quote(delimiter)}`,
    );
  }
  const fail: (problem: string) => never = (problem) => {
    throw new DataFormatError('parseCsv', problem, name);
  };
  let width = -1;
  let widthSource = '';
  let names: string[] | null = null;
  let label = -1;
  let rows = 0;
  const features: number[] = [];
  const labels: number[] = [];
  for (const { fields, line } of records(text, delimiter, fail)) {
    if (skipEmptyLines && fields.length === 1 && fields[0]!.trim() === '') continue;
    if (width < 0) {
      width = fields.length;
      const isHeader = header === 'auto' ? fields.some((field) => toNumber(field) === undefined) : header;
      names = isHeader ? fields : null;
      widthSource = isHeader ? `the header on line ${line}` : `line ${line}`;
      if (labelColumn !== undefined) label = labelIndex(labelColumn, names, width, fail);
      if (isHeader) continue;
    }
    if (fields.length !== width) {
      fail(`line ${line} has ${fields.length} fields but ${widthSource} has ${width}`);
    }
    rows++;
    fields.forEach((field, column) => {
      const value = toNumber(field);
      if (value === undefined) {
        const columnName = names === null ? '' : ` (${quote(names[column]!)})`;
        const what = field.trim() === '' ? 'empty value' : `${quote(field)} is not a number`;
        fail(`line ${line}, column ${column + 1}${columnName}: ${what}`);
      }
      (column === label ? labels : features).push(value);
    });
  }
  if (width < 0 && labelColumn !== undefined) labelIndex(labelColumn, null, 0, fail);
  const cols = width < 0 ? 0 : label < 0 ? width : width - 1;
  return {
    columns: names === null ? null : names.filter((_, column) => column !== label),
    features: Float64Array.from(features),
    labels: labelColumn === undefined ? null : Float64Array.from(labels),
    rows,
    cols,
  };
}
