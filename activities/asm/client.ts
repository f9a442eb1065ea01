// A small typed client for the ASM API (servicemesh 2020-01-11): the version and upgrade status reads,
// and the gateway upgrade, over the shared RPC client (retries, errors named `Asm…`). There is no
// generated servicemesh package in this registry, as for SLB.
import { z } from 'zod';
import type { CloudProduct } from '../cloud/errors.js';
import { RpcClient, type RpcClientOptions } from '../cloud/rpc-client.js';

export const ASM: CloudProduct = { name: 'ASM API', prefix: 'Asm', ramPrefix: 'servicemesh', version: '2020-01-11' };

/**
 * The central endpoint, or GATESHIFT_ASM_ENDPOINT (host:port, e.g. the lab's emulator) with
 * GATESHIFT_ASM_PROTOCOL=http for the emulator only.
 */
export function asmEndpoint(env: NodeJS.ProcessEnv = process.env): RpcClientOptions['endpoint'] {
  const protocol = env.GATESHIFT_ASM_PROTOCOL === 'http' ? 'http' : 'https';
  return { host: env.GATESHIFT_ASM_ENDPOINT?.trim() || 'servicemesh.aliyuncs.com', protocol };
}

const upgradeVersionSchema = z
  .object({
    Version: z.object({ IstioOperatorVersion: z.string(), IstioVersion: z.string().optional() }),
  })
  .transform((body) => ({
    operatorVersion: body.Version.IstioOperatorVersion,
    istioVersion: body.Version.IstioVersion,
  }));

const gatewayRecordSchema = z.object({
  Status: z.string(),
  Version: z.string().optional(),
  Message: z.string().optional(),
});

const upgradeStatusSchema = z
  .object({
    UpgradeDetail: z.object({
      MeshStatus: z.string(),
      GatewayStatusRecord: z.record(z.string(), gatewayRecordSchema).optional(),
    }),
  })
  .transform((body) => ({
    meshStatus: body.UpgradeDetail.MeshStatus,
    gateways: Object.fromEntries(
      Object.entries(body.UpgradeDetail.GatewayStatusRecord ?? {}).map(([name, record]) => [
        name,
        { status: record.Status, version: record.Version, message: record.Message },
      ]),
    ),
  }));

const acknowledgementSchema = z.object({ RequestId: z.string().optional() }).transform(() => undefined);

export type UpgradeStatus = z.output<typeof upgradeStatusSchema>;

export type AsmClientOptions = Omit<RpcClientOptions, 'product' | 'endpoint'> & {
  endpoint?: RpcClientOptions['endpoint'];
};

export class AsmClient {
  private readonly rpc: RpcClient;

  constructor(options: AsmClientOptions) {
    this.rpc = new RpcClient({ ...options, product: ASM, endpoint: options.endpoint ?? asmEndpoint() });
  }

  /** The version the control plane runs: what a gateway upgrade brings the gateway to. */
  describeUpgradeVersion(meshId: string) {
    return this.rpc.call(
      'DescribeUpgradeVersion',
      { ServiceMeshId: meshId },
      upgradeVersionSchema,
      `ASM instance ${meshId}`,
    );
  }

  /** The mesh's status and each named gateway's (`<namespace>:<name>`) upgrade status and version. */
  describeUpgradeStatus(meshId: string, gateways: string[]) {
    return this.rpc.call(
      'DescribeServiceMeshUpgradeStatus',
      { ServiceMeshId: meshId, AllIstioGatewayFullNames: gateways.join(',') },
      upgradeStatusSchema,
      `ASM instance ${meshId}`,
    );
  }

  /** Upgrades the named gateways to `expectedVersion`; with `preCheck` only checks that it could. */
  upgradeGateways(meshId: string, gateways: string[], expectedVersion: string, preCheck: boolean) {
    return this.rpc.call(
      'UpgradeMeshEditionPartially',
      {
        ServiceMeshId: meshId,
        ASMGatewayContinue: true,
        UpgradeGatewayRecords: gateways.join(','),
        ExpectedVersion: expectedVersion,
        PreCheck: preCheck,
      },
      acknowledgementSchema,
      `ASM instance ${meshId}`,
    );
  }
}
