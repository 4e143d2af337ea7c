import { addBusinessDays, differenceInCalendarDays, eachDayOfInterval, format, formatDistanceStrict, formatISO, intervalToDuration, isValid, parse, parseISO, startOfWeek } from "date-fns";
import { cases } from "./show.ts";

// The guest's clock is UTC; the Node side runs with TZ=UTC too.
const d = new Date(Date.UTC(2024, 1, 29, 13, 45, 30));

await cases({
  format: () => format(d, "yyyy-MM-dd HH:mm:ss EEEE do MMMM"),
  iso: () => formatISO(d),
  parse: () => parse("03/04/2025 10:20", "MM/dd/yyyy HH:mm", new Date(0)),
  parseISO: () => parseISO("2024-02-29T13:45:30Z"),
  invalid: () => isValid(parseISO("2024-02-30")),
  business: () => addBusinessDays(d, 3),
  diff: () => differenceInCalendarDays(new Date(Date.UTC(2025, 0, 1)), d),
  distance: () => formatDistanceStrict(d, new Date(Date.UTC(2024, 5, 1))),
  week: () => startOfWeek(d, { weekStartsOn: 1 }),
  interval: () => eachDayOfInterval({ start: d, end: new Date(Date.UTC(2024, 2, 3)) }).map((day) => format(day, "EEE d")),
  duration: () => intervalToDuration({ start: d, end: new Date(Date.UTC(2025, 3, 1, 0, 0, 0)) }),
});
