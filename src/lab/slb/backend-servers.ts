// The SLB API's JSON-encoded BackendServers parameter, whose keys the real service matches
// case-insensitively; the other parameters are read with ../openapi/params.ts.
import { invalidParameter } from '../openapi/errors.js';
import type { BackendType } from './state.js';

/** One entry of a BackendServers parameter; absent fields are left to the action's defaults. */
export interface BackendEntry {
  serverId: string;
  serverIp?: string;
  port: number;
  weight?: number;
  type?: BackendType;
  description?: string;
}

const BACKEND_TYPES = new Set<string>(['ecs', 'eni', 'eci']);
const MAX_ENTRIES = 20;

function integer(value: unknown, min: number, max: number): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const number = Number(value);
  return Number.isInteger(number) && number >= min && number <= max ? number : Number.NaN;
}

export function parseBackendServers(json: string, name = 'BackendServers'): BackendEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw invalidParameter(name, 'It must be a JSON array.');
  }
  if (!Array.isArray(parsed)) throw invalidParameter(name, 'It must be a JSON array.');
  if (parsed.length > MAX_ENTRIES) throw invalidParameter(name, `At most ${MAX_ENTRIES} servers per request.`);
  return parsed.map((raw): BackendEntry => {
    if (typeof raw !== 'object' || raw === null) throw invalidParameter(name);
    const entry = Object.fromEntries(Object.entries(raw).map(([key, value]) => [key.toLowerCase(), value]));
    const serverId = entry.serverid === undefined ? '' : String(entry.serverid);
    const port = integer(entry.port, 1, 65535);
    const weight = integer(entry.weight, 0, 100);
    const type = entry.type === undefined ? undefined : String(entry.type).toLowerCase();
    if (!serverId) throw invalidParameter(name, 'ServerId is required.');
    if (port === undefined || Number.isNaN(port)) throw invalidParameter(name, 'Port must be 1-65535.');
    if (Number.isNaN(weight)) throw invalidParameter(name, 'Weight must be 0-100.');
    if (type !== undefined && !BACKEND_TYPES.has(type)) throw invalidParameter(name, 'Type must be ecs, eni or eci.');
    return {
      serverId,
      port,
      weight,
      type: type as BackendType | undefined,
      serverIp: entry.serverip ? String(entry.serverip) : undefined,
      description: entry.description === undefined ? undefined : String(entry.description),
    };
  });
}
