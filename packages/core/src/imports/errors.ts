import { DomainError } from "../errors";

/**
 * A file the import cannot read at all (too large, empty, binary, malformed CSV). `message` is
 * user-facing. It is a VALIDATION domain error on the field `file`, so routers map it to
 * BAD_REQUEST like any other; `line` is set when the problem is at a line of the file.
 */
export class ImportFileError extends DomainError {
  readonly line: number | undefined;

  constructor(message: string, options: { line?: number } = {}) {
    super("VALIDATION", message, {
      field: "file",
      ...(options.line === undefined ? {} : { details: { line: options.line } }),
    });
    this.name = "ImportFileError";
    this.line = options.line;
  }
}
