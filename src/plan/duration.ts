// Durations in the input are strings such as "90s", "30m", "1h" or "1h30m" (Go style, as kubectl and
// Prometheus users write them), converted once to milliseconds during validation.
import ms from 'ms';

const GO_STYLE = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+)ms)?$/;

/** Milliseconds for a duration string, or undefined when it cannot be read. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  // A bare number has no unit: `ms` would read "3600" as 3.6 seconds, which nobody means.
  if (!/[a-z]/i.test(trimmed)) return undefined;
  // "1h 30m", as formatDuration writes it, reads back.
  const go = GO_STYLE.exec(trimmed.replace(/([a-z])\s+(?=\d)/gi, '$1'));
  if (go?.slice(1).some((part) => part !== undefined)) {
    const [h = '0', m = '0', s = '0', milli = '0'] = go.slice(1).map((part) => part ?? '0');
    return Math.round(Number(h) * 3_600_000 + Number(m) * 60_000 + Number(s) * 1000 + Number(milli));
  }
  // Falls back to the `ms` library's long forms ("2 hours", "90 minutes", "1d").
  const value = ms(trimmed as ms.StringValue);
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** "1h 30m", "45s", "0s": for status lines and the CLI. */
export function formatDuration(milliseconds: number): string {
  const total = Math.max(0, Math.round(milliseconds / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const parts = [h ? `${h}h` : '', m ? `${m}m` : '', s || (!h && !m) ? `${s}s` : ''];
  return parts.filter(Boolean).join(' ');
}
