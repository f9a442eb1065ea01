// Host matching as Envoy does it for Istio's virtual hosts: an exact name, a `*.suffix` wildcard or `*`,
// case-insensitive, and the most specific pattern wins.

/** The Host header's name: lower case, without the port (an IPv6 literal keeps its brackets). */
export function hostName(header: string): string {
  const host = header.trim().toLowerCase();
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1) || host;
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

export function hostMatches(pattern: string, host: string): boolean {
  const lower = pattern.toLowerCase();
  if (lower === '*') return true;
  if (lower.startsWith('*.')) return host.endsWith(lower.slice(1));
  return lower === host;
}

/** Higher is more specific: an exact name beats any wildcard, a longer suffix beats a shorter one. */
export function specificity(pattern: string): number {
  if (pattern === '*') return 0;
  return pattern.startsWith('*.') ? pattern.length : Number.POSITIVE_INFINITY;
}
