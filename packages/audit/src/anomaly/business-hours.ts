/*
 * Business hours as operators write them: `Mon-Fri 08:00-19:00`, several ranges separated by `;`
 * (`Mon-Fri 08:00-19:00; Sat 09:00-12:00`), in an IANA time zone (`Europe/Paris`). Evaluated with
 * Intl.DateTimeFormat, so daylight-saving changes are the zone database's business, not ours.
 */
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

export interface BusinessHours {
  timeZone: string;
  /** Per weekday (0 = Sunday): allowed [startMinute, endMinute) ranges. */
  ranges: [number, number][][];
  /** The configured text, for alerts. */
  spec: string;
}

export function parseBusinessHours(spec: string, timeZone: string): BusinessHours {
  // Throws RangeError for an unknown zone: a typo must stop start-up, not silently mean UTC.
  new Intl.DateTimeFormat('en-US', { timeZone }).format(0);
  const ranges: [number, number][][] = DAYS.map(() => []);
  for (const part of spec.split(';').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([a-z]{3})(?:-([a-z]{3}))?\s+(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/i.exec(part);
    if (!match) throw new Error(`business hours "${part}": expected e.g. "Mon-Fri 08:00-19:00"`);
    const first = DAYS.indexOf(match[1]!.toLowerCase() as (typeof DAYS)[number]);
    const last = DAYS.indexOf((match[2] ?? match[1]!).toLowerCase() as (typeof DAYS)[number]);
    if (first < 0 || last < 0) throw new Error(`business hours "${part}": unknown day`);
    const start = Number(match[3]) * 60 + Number(match[4]);
    const end = Number(match[5]) * 60 + Number(match[6]);
    if (start >= end || end > 24 * 60) throw new Error(`business hours "${part}": the range must end after it starts, within the day`);
    for (let day = first; ; day = (day + 1) % 7) {
      ranges[day]!.push([start, end]);
      if (day === last) break;
    }
  }
  return { timeZone, ranges, spec };
}

/** Local weekday (0 = Sunday) and minute of day of `at` in the zone. */
export function localTime(at: Date, timeZone: string): { weekday: number; minute: number; label: string } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  const weekday = DAYS.indexOf(get('weekday').toLowerCase() as (typeof DAYS)[number]);
  const minute = Number(get('hour')) * 60 + Number(get('minute'));
  return { weekday, minute, label: `${get('weekday')} ${get('hour')}:${get('minute')} ${timeZone}` };
}

export function isWithinBusinessHours(at: Date, hours: BusinessHours): boolean {
  const { weekday, minute } = localTime(at, hours.timeZone);
  return (hours.ranges[weekday] ?? []).some(([start, end]) => minute >= start && minute < end);
}
