/**
 * HTTP-date (RFC 9110 5.6.7) as a recipient must read it: the IMF-fixdate
 * every sender should send ("Sun, 06 Nov 1994 08:49:37 GMT") and the two
 * obsolete forms, RFC 850's ("Sunday, 06-Nov-94 08:49:37 GMT") and asctime's
 * ("Sun Nov  6 08:49:37 1994"). Date.parse is no help here: QuickJS reads
 * only the first (V8 all three, asctime's as local time).
 */

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const IMF_FIXDATE = /^[a-z]{3}, (\d\d) ([a-z]{3}) (\d{4}) (\d\d):(\d\d):(\d\d) GMT$/i;
const RFC_850 = /^[a-z]{6,9}, (\d\d)-([a-z]{3})-(\d\d) (\d\d):(\d\d):(\d\d) GMT$/i;
const ASCTIME = /^[a-z]{3} ([a-z]{3}) ([ \d]\d) (\d\d):(\d\d):(\d\d) (\d{4})$/i;

/** The date in ms since the epoch, or undefined when `value` is no HTTP-date. */
export function parseHttpDate(value: string): number | undefined {
  const text = value.trim();
  let day: string, month: string, year: number, time: string[];
  let match = IMF_FIXDATE.exec(text);
  if (match) {
    [day, month] = [match[1], match[2]];
    year = Number(match[3]);
    time = match.slice(4, 7);
  } else if ((match = RFC_850.exec(text))) {
    [day, month] = [match[1], match[2]];
    // A two-digit year more than 50 years ahead is in the past century (RFC 9110 5.6.7).
    year = 2000 + Number(match[3]);
    if (year > new Date().getUTCFullYear() + 50) year -= 100;
    time = match.slice(4, 7);
  } else if ((match = ASCTIME.exec(text))) {
    [month, day] = [match[1], match[2].trim()];
    year = Number(match[6]);
    time = match.slice(3, 6);
  } else {
    return undefined;
  }
  const monthIndex = MONTHS.indexOf(month.toLowerCase());
  const [hours, minutes, seconds] = time.map(Number);
  if (monthIndex < 0 || hours > 23 || minutes > 59 || seconds > 60) return undefined;
  const ms = Date.UTC(year, monthIndex, Number(day), hours, minutes, seconds);
  // Date.UTC rolls 31 Feb over into March: such a date is not one.
  return new Date(ms).getUTCDate() === Number(day) ? ms : undefined;
}
