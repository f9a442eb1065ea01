// Pod IPs on loopback (Linux routes all of 127/8 locally, so a server can bind each one). Handed out
// round robin, so that an IP freed by a deleted pod is the last to come back: a CLB backend or a
// connection still naming the old pod must not reach a new one by accident.

export interface IpAllocator {
  allocate(): string;
  release(ip: string): void;
  /** Marks an IP that something else gave out as taken; false when it is not this pool's. */
  reserve(ip: string): boolean;
}

export interface IpPoolSpec {
  /** The first three octets and the dot, e.g. `127.0.1.`. */
  prefix: string;
  /** Host numbers, default 1..254. */
  first?: number;
  last?: number;
}

export function createIpPool(spec: IpPoolSpec): IpAllocator {
  if (!/^127\.\d{1,3}\.\d{1,3}\.$/.test(spec.prefix))
    throw new Error(`IP pool prefix "${spec.prefix}" must be three loopback octets and a dot, e.g. 127.0.1.`);
  const first = spec.first ?? 1;
  const last = spec.last ?? 254;
  const size = last - first + 1;
  const taken = new Set<number>();
  let next = first;
  const hostOf = (ip: string) => {
    if (!ip.startsWith(spec.prefix)) return undefined;
    const host = Number(ip.slice(spec.prefix.length));
    return Number.isInteger(host) && host >= first && host <= last ? host : undefined;
  };
  return {
    allocate() {
      for (let i = 0; i < size; i++) {
        const host = first + ((next - first + i) % size);
        if (taken.has(host)) continue;
        taken.add(host);
        next = host === last ? first : host + 1;
        return spec.prefix + host;
      }
      throw new Error(`IP pool ${spec.prefix}${first}-${last} is exhausted`);
    },
    release(ip) {
      const host = hostOf(ip);
      if (host !== undefined) taken.delete(host);
    },
    reserve(ip) {
      const host = hostOf(ip);
      if (host === undefined) return false;
      taken.add(host);
      return true;
    },
  };
}
