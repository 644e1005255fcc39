// Comparable forms of Edm values as they are stored (OData JSON strings and numbers), so that
// $filter and $orderby compare instants, durations and enum values, not their spellings.

const DATE_TIME = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,12}))?)?(Z|[+-]\d{2}:\d{2})$/i;

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number;
}

/** A Date literal naming a day of the proleptic Gregorian calendar (2026-02-29 names none). */
export function isCalendarDate(value: string): boolean {
  const m = /^(-?\d{4,})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Parts of a DateTimeOffset in its own offset, as year() ... second() return them. */
export function dateTimeParts(value: string): { year: number; month: number; day: number; hour: number; minute: number; second: number; fraction: number; offsetMinutes: number } | undefined {
  const m = DATE_TIME.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  const zone = m[8] as string;
  const sign = zone[0] === '-' ? -1 : 1;
  const offsetMinutes = zone.toUpperCase() === 'Z' ? 0 : sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  return {
    year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]),
    second: Number(m[6] ?? 0), fraction: Number(`0.${m[7] ?? '0'}`), offsetMinutes,
  };
}

/** Milliseconds since the epoch, with sub-millisecond digits kept as a fraction. */
export function instant(value: string): number | undefined {
  const p = dateTimeParts(value);
  if (!p) return undefined;
  // Not Date.UTC: it maps years 0-99 to 1900-1999, and 0001-01-01 is Graph's zero value.
  const date = new Date(0);
  date.setUTCFullYear(p.year, p.month - 1, p.day);
  date.setUTCHours(p.hour, p.minute, p.second, 0);
  return date.getTime() - p.offsetMinutes * 60_000 + p.fraction * 1000;
}

/** Seconds in an ISO 8601 duration as OData writes them (`-P1DT2H3M4.5S`). */
export function durationSeconds(value: string): number | undefined {
  const m = /^(-)?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(value);
  // `P` and `PT` alone name no length; neither does a number too large to be one.
  if (!m || !/\d/.test(value) || /T$/.test(value)) return undefined;
  const seconds = Number(m[2] ?? 0) * 86400 + Number(m[3] ?? 0) * 3600 + Number(m[4] ?? 0) * 60 + Number(m[5] ?? 0);
  if (!Number.isFinite(seconds) || seconds > Number.MAX_SAFE_INTEGER) return undefined;
  return m[1] ? -seconds : seconds;
}

/** Seconds since midnight of a TimeOfDay (`13:45`, `13:45:30.25`). */
export function timeOfDaySeconds(value: string): number | undefined {
  const m = /^(\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?$/.exec(value);
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0) : undefined;
}
