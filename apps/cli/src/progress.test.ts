import { describe, expect, it } from "vitest";
import { progressReporter } from "./progress";

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  const stream = { isTTY, write: (text: string) => writes.push(text) } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

const describeDone = (done: number, total: number) => `Done ${done} of ${total}`;

describe("progressReporter", () => {
  it("redraws a bar in place on a terminal and ends its line", () => {
    const { stream, writes } = fakeStream(true);
    const progress = progressReporter(describeDone, { stream });
    progress.update(1, 4);
    progress.update(4, 4);
    progress.finish();
    expect(writes).toEqual([
      `\rDone 1 of 4 [${"#".repeat(8)}${" ".repeat(22)}]`,
      `\rDone 4 of 4 [${"#".repeat(30)}]`,
      "\n",
    ]);
  });

  it("elsewhere writes plain lines, no carriage returns: the first, then at most one per interval, and the last", () => {
    const { stream, writes } = fakeStream(false);
    const progress = progressReporter(describeDone, { stream, plainEveryMs: 60_000 });
    for (let done = 1; done <= 100; done++) progress.update(done, 100);
    progress.finish();
    expect(writes).toEqual(["Done 1 of 100\n", "Done 100 of 100\n"]);
  });

  it("does not repeat a last line it already printed, and prints nothing for work that never started", () => {
    const { stream, writes } = fakeStream(false);
    const progress = progressReporter(describeDone, { stream });
    progress.update(3, 3);
    progress.finish();
    expect(writes).toEqual(["Done 3 of 3\n"]);
    const idle = fakeStream(false);
    progressReporter(describeDone, { stream: idle.stream }).finish();
    expect(idle.writes).toEqual([]);
  });
});
