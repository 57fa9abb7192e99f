// A compact 5-field cron (minute hour day-of-month month day-of-week) evaluated in UTC, as
// written in Inngest `{ cron }` triggers: `*`, lists, ranges, steps, month/day names and the
// @hourly-style macros. A leading `TZ=UTC` is accepted; other zones are refused rather than
// silently run at the wrong hour.

export interface CronSchedule {
  expression: string;
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  days: ReadonlySet<number>;
  months: ReadonlySet<number>;
  weekdays: ReadonlySet<number>;
  // Vixie cron: when both day fields are restricted, a day matching either one is due.
  dayOrWeekday: boolean;
}

const MACROS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

const MONTH_NAMES = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

interface FieldRange {
  name: string;
  min: number;
  max: number;
  names?: string[];
  namesStartAt?: number;
}

const MINUTE: FieldRange = { name: "minute", min: 0, max: 59 };
const HOUR: FieldRange = { name: "hour", min: 0, max: 23 };
const DAY: FieldRange = { name: "day of month", min: 1, max: 31 };
const MONTH: FieldRange = { name: "month", min: 1, max: 12, names: MONTH_NAMES, namesStartAt: 1 };
const WEEKDAY: FieldRange = { name: "day of week", min: 0, max: 7, names: DAY_NAMES, namesStartAt: 0 };

export function parseCron(expression: string): CronSchedule {
  let text = expression.trim();
  const tz = /^(?:CRON_)?TZ=(\S+)\s+/i.exec(text);
  if (tz) {
    if (tz[1]?.toUpperCase() !== "UTC") throw new Error(`cron "${expression}": only UTC is supported by the embedded executor`);
    text = text.slice(tz[0].length);
  }
  text = MACROS[text.toLowerCase()] ?? text;
  const parts = text.split(/\s+/);
  if (parts.length !== 5) throw new Error(`cron "${expression}": expected 5 fields, got ${parts.length}`);
  const [minute = "", hour = "", day = "", month = "", weekday = ""] = parts;
  return {
    expression,
    minutes: parseField(expression, minute, MINUTE),
    hours: parseField(expression, hour, HOUR),
    days: parseField(expression, day, DAY),
    months: parseField(expression, month, MONTH),
    // 7 is a second spelling of Sunday.
    weekdays: new Set([...parseField(expression, weekday, WEEKDAY)].map((d) => d % 7)),
    dayOrWeekday: !day.startsWith("*") && !weekday.startsWith("*"),
  };
}

function parseField(expression: string, text: string, field: FieldRange): Set<number> {
  const values = new Set<number>();
  const fail = (why: string) => new Error(`cron "${expression}": ${field.name} "${text}" ${why}`);
  for (const item of text.split(",")) {
    const [rangeText = "", stepText] = item.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw fail("has an invalid step");
    let from: number;
    let to: number;
    if (rangeText === "*") {
      from = field.min;
      to = field.max;
    } else {
      const [a = "", b] = rangeText.split("-");
      from = value(a, field, fail);
      // `5/15` means "from 5 to the end, every 15", as in Vixie cron.
      to = b === undefined ? (stepText === undefined ? from : field.max) : value(b, field, fail);
    }
    if (from > to) throw fail("has a range that runs backwards");
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

function value(text: string, field: FieldRange, fail: (why: string) => Error): number {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  const n = named >= 0 ? named + (field.namesStartAt ?? 0) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < field.min || n > field.max) throw fail(`is outside ${field.min}-${field.max}`);
  return n;
}

const MINUTE_MS = 60_000;
// Enough to walk past any satisfiable schedule (a leap-day one needs ~8 years of month jumps);
// an unsatisfiable one such as "0 0 31 2 *" ends here instead of looping forever.
const MAX_STEPS = 100_000;

/** The first due minute strictly after `after`. */
export function nextCronTime(schedule: CronSchedule, after: Date): Date {
  let t = Math.floor(after.getTime() / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  for (let i = 0; i < MAX_STEPS; i++) {
    const d = new Date(t);
    const [year, month, day, hour] = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours()];
    if (!schedule.months.has(month + 1)) {
      t = Date.UTC(year, month + 1, 1);
    } else if (!dayMatches(schedule, d)) {
      t = Date.UTC(year, month, day + 1);
    } else if (!schedule.hours.has(hour)) {
      t = Date.UTC(year, month, day, hour + 1);
    } else if (!schedule.minutes.has(d.getUTCMinutes())) {
      t += MINUTE_MS;
    } else {
      return d;
    }
  }
  throw new Error(`cron "${schedule.expression}" never comes due`);
}

function dayMatches(schedule: CronSchedule, d: Date): boolean {
  const byDay = schedule.days.has(d.getUTCDate());
  const byWeekday = schedule.weekdays.has(d.getUTCDay());
  return schedule.dayOrWeekday ? byDay || byWeekday : byDay && byWeekday;
}
