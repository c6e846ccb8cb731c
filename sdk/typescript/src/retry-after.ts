/** `Retry-After` (RFC 9110 section 10.2.3) in milliseconds: delay-seconds or an HTTP-date; undefined if absent. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) {
    return undefined;
  }
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    return Number(trimmed) * 1000;
  }
  // An IMF-fixdate ("Wed, 21 Oct 2015 07:28:00 GMT"); Date.parse alone would read "1.5" as a date.
  const when = /^[A-Za-z]{3}, /.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  return Number.isNaN(when) ? undefined : Math.max(0, when - now);
}
