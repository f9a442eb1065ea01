// Where the SLB API of a region answers. The generic SDK client computes no endpoint of its own.
import type { CloudEndpoint } from '../cloud/rpc-client.js';

/** Regions served by the central endpoint (from the SDK's endpoint map); the others have their own. */
const CENTRAL_REGIONS = new Set([
  'cn-hangzhou',
  'cn-beijing',
  'cn-shanghai',
  'cn-shenzhen',
  'cn-qingdao',
  'cn-hongkong',
  'ap-southeast-1',
  'us-east-1',
  'us-west-1',
  'cn-hangzhou-finance',
  'cn-shanghai-finance-1',
  'cn-shenzhen-finance-1',
  'cn-beijing-finance-1',
]);

/**
 * The SLB endpoint of `regionId`. GATESHIFT_SLB_ENDPOINT overrides it (e.g. the lab's emulator at
 * `127.0.0.1:PORT`, or `slb-vpc.<region>.aliyuncs.com` from inside a VPC); GATESHIFT_SLB_PROTOCOL=http
 * is only for the emulator.
 */
export function slbEndpoint(regionId: string, env: NodeJS.ProcessEnv = process.env): CloudEndpoint {
  const protocol = env.GATESHIFT_SLB_PROTOCOL === 'http' ? 'http' : 'https';
  const override = env.GATESHIFT_SLB_ENDPOINT?.trim();
  if (override) return { host: override, protocol };
  return { host: CENTRAL_REGIONS.has(regionId) ? 'slb.aliyuncs.com' : `slb.${regionId}.aliyuncs.com`, protocol };
}
