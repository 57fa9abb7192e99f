import { describe, expect, it } from "vitest";
import { nextCronTime, parseCron } from "@/inngest/embedded/cron";

const next = (expression: string, after: string) => nextCronTime(parseCron(expression), new Date(after)).toISOString();

// 2030-01-01 is a Tuesday.
describe("cron schedules", () => {
  it.each([
    ["* * * * *", "2030-01-01T00:00:30Z", "2030-01-01T00:01:00.000Z"],
    ["* * * * *", "2030-01-01T00:01:00Z", "2030-01-01T00:02:00.000Z"],
    ["*/15 * * * *", "2030-01-01T00:14:59Z", "2030-01-01T00:15:00.000Z"],
    ["5/15 * * * *", "2030-01-01T00:36:00Z", "2030-01-01T00:50:00.000Z"],
    ["0,30 8-9 * * *", "2030-01-01T09:31:00Z", "2030-01-02T08:00:00.000Z"],
    ["0 9 * * 1-5", "2030-01-04T10:00:00Z", "2030-01-07T09:00:00.000Z"],
    ["0 0 1 * *", "2030-01-15T00:00:00Z", "2030-02-01T00:00:00.000Z"],
    ["0 0 * * 7", "2030-01-01T00:00:00Z", "2030-01-06T00:00:00.000Z"],
    ["0 12 * FEB-MAR mon", "2030-01-01T00:00:00Z", "2030-02-04T12:00:00.000Z"],
    ["0 0 29 2 *", "2030-03-01T00:00:00Z", "2032-02-29T00:00:00.000Z"],
    ["0 0 31 12 *", "2030-12-31T00:00:00Z", "2031-12-31T00:00:00.000Z"],
    ["@hourly", "2030-01-01T00:59:59Z", "2030-01-01T01:00:00.000Z"],
    ["TZ=UTC 5 4 * * *", "2030-01-01T05:00:00Z", "2030-01-02T04:05:00.000Z"],
  ])("%s after %s is %s", (expression, after, expected) => {
    expect(next(expression, after)).toBe(expected);
  });

  it("treats restricted day-of-month and day-of-week as either one", () => {
    // The 13th, or any Friday: Friday the 4th comes first.
    expect(next("0 0 13 * 5", "2030-01-01T00:00:00Z")).toBe("2030-01-04T00:00:00.000Z");
    expect(next("0 0 13 * 5", "2030-01-12T00:00:00Z")).toBe("2030-01-13T00:00:00.000Z");
  });

  it.each([["61 * * * *"], ["* * *"], ["*/0 * * * *"], ["5-1 * * * *"], ["0 0 * FOO *"], ["TZ=Europe/Paris 0 9 * * *"]])(
    "refuses %s",
    (expression) => {
      expect(() => parseCron(expression)).toThrow(/cron/);
    },
  );

  it("gives up on a schedule that never comes due", () => {
    expect(() => next("0 0 31 2 *", "2030-01-01T00:00:00Z")).toThrow(/never comes due/);
  });
});
