/**
 * Progress for a long command, on stderr so that stdout keeps only the results. On a terminal a bar
 * redrawn in place; elsewhere (a pipe, a log file, CI) a plain line now and then, and the last one.
 */
export function progressReporter(
  describe: (done: number, total: number) => string,
  options: { stream?: NodeJS.WriteStream; plainEveryMs?: number } = {},
) {
  const stream = options.stream ?? process.stderr;
  const plainEveryMs = options.plainEveryMs ?? 5000;
  let last: { done: number; total: number } | null = null;
  let lastPrinted: { done: number; at: number } | null = null;

  const printPlain = (done: number, total: number) => {
    stream.write(`${describe(done, total)}\n`);
    lastPrinted = { done, at: Date.now() };
  };

  return {
    update(done: number, total: number) {
      last = { done, total };
      if (stream.isTTY) {
        const width = 30;
        const filled = total > 0 ? Math.round((Math.min(done, total) / total) * width) : width;
        stream.write(`\r${describe(done, total)} [${"#".repeat(filled)}${" ".repeat(width - filled)}]`);
      } else if (!lastPrinted || Date.now() - lastPrinted.at >= plainEveryMs) {
        printPlain(done, total);
      }
    },
    /** Ends the bar's line, or prints the final count if the last plain line is behind. */
    finish() {
      if (!last) return;
      if (stream.isTTY) stream.write("\n");
      else if (lastPrinted?.done !== last.done) printPlain(last.done, last.total);
    },
  };
}
