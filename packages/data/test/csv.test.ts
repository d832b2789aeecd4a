import { describe, expect, it } from 'vitest';
import { DataFormatError } from '../src/errors';
import { parseCsv } from '../src/readers/csv';

describe('parseCsv', () => {
  it('reads a header and numbers, splitting off a named label column', () => {
    const table = parseCsv('sepal,petal,species\n5.1,1.4,0\n4.9,1.3e0,1\n', { labelColumn: 'species' });
    expect(table).toEqual({
      columns: ['sepal', 'petal'],
      features: Float64Array.of(5.1, 1.4, 4.9, 1.3),
      labels: Float64Array.of(0, 1),
      rows: 2,
      cols: 2,
    });
  });

  it('detects a missing header and takes a label column by index, negative from the end', () => {
    const table = parseCsv('1,2,3\n4,5,6', { labelColumn: -1 });
    expect(table).toEqual({
      columns: null,
      features: Float64Array.of(1, 2, 4, 5),
      labels: Float64Array.of(3, 6),
      rows: 2,
      cols: 2,
    });
    expect(parseCsv('1,2,3\n4,5,6', { labelColumn: 0 }).labels).toEqual(Float64Array.of(1, 4));
  });

  it('honours header: true for an all-numeric header and header: false', () => {
    expect(parseCsv('0,1\n2,3\n', { header: true })).toMatchObject({ columns: ['0', '1'], rows: 1, cols: 2 });
    expect(() => parseCsv('a,b\n2,3\n', { header: false })).toThrow(
      'parseCsv: line 1, column 1: "a" is not a number',
    );
  });

  it('handles quoted fields, escaped quotes, delimiters and line breaks inside quotes', () => {
    const text = '"x, first","say ""hi""","multi\nline"\n"1.5",2,"-3"\n';
    const table = parseCsv(text);
    expect(table.columns).toEqual(['x, first', 'say "hi"', 'multi\nline']);
    expect(table.features).toEqual(Float64Array.of(1.5, 2, -3));
  });

  it('handles CRLF and lone CR line ends, a BOM, and a missing final newline', () => {
    expect(parseCsv('\uFEFFa;b\r\n1;2\r\n3;4', { delimiter: ';' })).toMatchObject({
      columns: ['a', 'b'],
      features: Float64Array.of(1, 2, 3, 4),
      rows: 2,
    });
    expect(parseCsv('1,2\r3,4\r').features).toEqual(Float64Array.of(1, 2, 3, 4));
    expect(parseCsv('a\tb\n1\t2\n', { delimiter: '\t' }).columns).toEqual(['a', 'b']);
  });

  it('skips empty lines by default and counts them in line numbers', () => {
    expect(parseCsv('a,b\n\n1,2\n   \n3,4\n\n').rows).toBe(2);
    expect(() => parseCsv('a,b\n\n1,x\n')).toThrow('line 3, column 2 ("b"): "x" is not a number');
    expect(() => parseCsv('a,b\n\n1,2\n', { skipEmptyLines: false })).toThrow(
      'parseCsv: line 2 has 1 fields but the header on line 1 has 2',
    );
  });

  it('reads signed, exponent, nan and inf values; trims spaces around numbers', () => {
    const { features } = parseCsv(' +1 , -.5 ,1e-3,2.,NaN,-inf,Infinity\n');
    expect(Array.from(features)).toEqual([1, -0.5, 0.001, 2, Number.NaN, -Infinity, Infinity]);
  });

  it('returns an empty table for empty input or a header alone', () => {
    expect(parseCsv('')).toEqual({
      columns: null,
      features: new Float64Array(0),
      labels: null,
      rows: 0,
      cols: 0,
    });
    expect(parseCsv('a,b,c\n', { labelColumn: 'b' })).toEqual({
      columns: ['a', 'c'],
      features: new Float64Array(0),
      labels: new Float64Array(0),
      rows: 0,
      cols: 2,
    });
  });

  it('names line, column and header for non-numeric and empty values', () => {
    expect(() => parseCsv('x,y\n1,2\n3,abc\n', { name: 'data.csv' })).toThrow(
      new DataFormatError('parseCsv', 'line 3, column 2 ("y"): "abc" is not a number', 'data.csv'),
    );
    expect(() => parseCsv('1,2\n3,\n')).toThrow('parseCsv: line 2, column 2: empty value');
    expect(() => parseCsv('1,2\n1,0x10\n')).toThrow('"0x10" is not a number');
    expect(() => parseCsv(`1,2\n1,${'z'.repeat(1000)}\n`)).toThrow(`"${'z'.repeat(40)}…" is not a number`);
  });

  it('rejects ragged rows', () => {
    expect(() => parseCsv('1,2,3\n4,5\n')).toThrow('parseCsv: line 2 has 2 fields but line 1 has 3');
    expect(() => parseCsv('a,b\n1,2\n3,4,5\n')).toThrow('line 3 has 3 fields but the header on line 1 has 2');
  });

  it('rejects malformed quoting', () => {
    expect(() => parseCsv('a,b\n1,"2\n3,4\n')).toThrow(
      'parseCsv: line 2, column 2: quoted field is never closed',
    );
    expect(() => parseCsv('a,b\n1,2"3\n')).toThrow('line 2, column 2: stray quote in an unquoted field');
    expect(() => parseCsv('a,b\n"1"x,2\n')).toThrow('line 2, column 1: unexpected "x" after a closing quote');
  });

  it('rejects a missing label column', () => {
    expect(() => parseCsv('a,b\n1,2\n', { labelColumn: 'label', name: 'f.csv' })).toThrow(
      'parseCsv(f.csv): labelColumn "label" is not a column; columns are "a", "b"',
    );
    expect(() => parseCsv('1,2\n', { labelColumn: 'label' })).toThrow(
      'labelColumn "label" names a column but the file has no header row',
    );
    expect(() => parseCsv('1,2\n', { labelColumn: 2 })).toThrow(
      'labelColumn 2 is out of range for 2 columns',
    );
    expect(() => parseCsv('1,2\n', { labelColumn: -3 })).toThrow(
      'labelColumn -3 is out of range for 2 columns',
    );
    expect(() => parseCsv('1,2\n', { labelColumn: 0.5 })).toThrow('labelColumn 0.5 is out of range');
    expect(() => parseCsv('a,a\n1,2\n', { labelColumn: 'a' })).toThrow(
      'labelColumn "a" names more than one column',
    );
    expect(() => parseCsv('', { labelColumn: 'y' })).toThrow('the file has no header row');
  });

  it('rejects a bad delimiter option', () => {
    expect(() => parseCsv('1', { delimiter: '::' })).toThrow(RangeError);
    expect(() => parseCsv('1', { delimiter: '"' })).toThrow('parseCsv: delimiter must be one character');
  });
});
