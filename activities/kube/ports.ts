// Whether two gateways expose the same ports: the ASM gateway must match the Istio gateway's ports and
// targetPorts exactly, or the shared CLB's listeners reach a port one of them does not serve.
import type { V1Service } from '@kubernetes/client-node';
import { readService, type ServiceRef } from './service.js';

export interface PortSpec {
  name?: string;
  port: number;
  /** A number, or the name of a container port. */
  targetPort: number | string;
  protocol: string;
}

export interface PortDifference {
  port: number;
  /** `port`: the port exists on one side only. */
  field: 'port' | 'name' | 'targetPort' | 'protocol';
  source?: number | string;
  target?: number | string;
  message: string;
}

export interface PortComparison {
  ok: boolean;
  source: PortSpec[];
  target: PortSpec[];
  differences: PortDifference[];
}

/** The Service's ports with the API server's defaults made explicit (targetPort = port, protocol TCP). */
export function servicePorts(service: V1Service): PortSpec[] {
  return (service.spec?.ports ?? []).map((p) => ({
    ...(p.name ? { name: p.name } : {}),
    port: p.port,
    targetPort: p.targetPort ?? p.port,
    protocol: p.protocol ?? 'TCP',
  }));
}

/** Differences between two port lists, matched by port number. */
export function diffPorts(source: readonly PortSpec[], target: readonly PortSpec[]): PortDifference[] {
  const differences: PortDifference[] = [];
  const targets = new Map(target.map((p) => [p.port, p]));
  for (const s of source) {
    const t = targets.get(s.port);
    if (!t) {
      differences.push({ port: s.port, field: 'port', source: s.port, message: `port ${s.port}: on the source only` });
      continue;
    }
    for (const field of ['targetPort', 'protocol', 'name'] as const) {
      if (s[field] !== t[field])
        differences.push({
          port: s.port,
          field,
          source: s[field],
          target: t[field],
          message: `port ${s.port}: ${field} ${s[field] ?? '(none)'} on the source, ${t[field] ?? '(none)'} on the target`,
        });
    }
  }
  const sources = new Set(source.map((p) => p.port));
  for (const t of target.filter((p) => !sources.has(p.port)))
    differences.push({ port: t.port, field: 'port', target: t.port, message: `port ${t.port}: on the target only` });
  return differences;
}

export async function compareServicePorts(source: ServiceRef, target: ServiceRef): Promise<PortComparison> {
  const [sourceService, targetService] = await Promise.all([readService(source), readService(target)]);
  const ports = { source: servicePorts(sourceService), target: servicePorts(targetService) };
  const differences = diffPorts(ports.source, ports.target);
  return { ok: differences.length === 0, ...ports, differences };
}
