/**
 * What happens to a bad input row: abort (the default) or, with `--skip-invalid`, report it and go
 * on. Reports are capped so a broken 100k-row file does not flood the terminal.
 */
import { VitrineError } from '../../shared/errors.ts';

/** How many skipped rows are printed one by one before the rest is only counted. */
export const MAX_REPORTED_ROWS = 20;

export class InvalidRows {
  /** Rows skipped so far, across every input file. */
  count = 0;

  constructor(
    private readonly skip: boolean,
    private readonly write: (line: string) => void,
  ) {}

  /** Throws `error` unless skipping; otherwise reports it (up to the cap) and counts it. */
  handle(error: VitrineError): void {
    if (!this.skip) {
      const message = error.message.startsWith(`${error.code}: `) ? error.message.slice(error.code.length + 2) : error.message;
      throw new VitrineError(error.code, `${message} (rerun with --skip-invalid to leave bad rows out)`, error.details);
    }
    this.count++;
    if (this.count <= MAX_REPORTED_ROWS) {
      const { file, line, field } = error.details;
      this.write(`skipped ${file ?? '?'}:${line ?? '?'}${field ? ` [${field}]` : ''}: ${error.message.replace(`${error.code}: `, '')}`);
    } else if (this.count === MAX_REPORTED_ROWS + 1) {
      this.write('further skipped rows are counted but not listed');
    }
  }
}
