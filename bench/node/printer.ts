/** Where the Node and browser drivers print: JSON lines, or a table with notes, on stdout. */
import type { BenchRow } from '../cases/kernel-scan.ts';
import { jsonRow, tableHeader, tableRow } from './row-format.ts';

export interface Printer {
  row(row: BenchRow): void;
  note(text: string, data?: object): void;
}

export function printer(json: boolean): Printer {
  let headed = false;
  return {
    row(row) {
      if (json) return console.log(jsonRow(row));
      if (!headed) console.log(tableHeader());
      headed = true;
      console.log(tableRow(row));
    },
    note(text, data) {
      // In JSON mode only lines that carry data are printed; headings are for the table.
      if (!json) console.log(text);
      else if (data) console.log(JSON.stringify(data));
    },
  };
}
