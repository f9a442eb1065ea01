// The actions of the emulated ASM OpenAPI (servicemesh 2020-01-11) that a gateway canary upgrade
// uses. Each returns the response body without its RequestId.
import { invalidParameter, OpenApiError } from '../openapi/errors.js';
import type { Params } from '../openapi/params.js';
import type { AsmState, Mesh, MeshGateway } from './state.js';
import { istioVersion, operatorVersion } from './versions.js';

type Body = Record<string, unknown>;

function requireMesh(state: AsmState, params: Params): Mesh {
  const mesh = state.meshes.get(params.required('ServiceMeshId'));
  if (!mesh) throw new OpenApiError(404, 'ServiceMesh.NotFound', 'The specified service mesh does not exist.');
  return mesh;
}

/** `ns:name,ns:name` → the names, without blanks. */
const fullNames = (value: string) =>
  value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);

const MESSAGES = { notStart: '', pending: '', upgrading: 'upgrading', finished: 'success', failed: 'failed' };

/** The version a gateway upgrade would bring now: the control plane's. */
export function describeUpgradeVersion(state: AsmState, params: Params): Body {
  const mesh = requireMesh(state, params);
  return {
    Version: {
      KubernetesVersion: mesh.kubernetesVersion,
      IstioOperatorVersion: operatorVersion(mesh.version),
      IstioVersion: istioVersion(mesh.version),
    },
  };
}

export function describeServiceMeshUpgradeStatus(state: AsmState, params: Params): Body {
  const mesh = requireMesh(state, params);
  const asked = params.optional('AllIstioGatewayFullNames');
  const names = asked === undefined ? [...mesh.gateways.keys()] : fullNames(asked);
  const records = names.map((name) => {
    const gateway = mesh.gateways.get(name);
    // A name the mesh does not have: the API's catch-all status.
    if (!gateway) return [name, { Status: 'unknown', Version: '', Message: 'gateway not found' }] as const;
    const status = mesh.statusOf(gateway);
    return [name, { Status: status, Version: gateway.version, Message: MESSAGES[status] }] as const;
  });
  return {
    UpgradeDetail: {
      // The control plane itself is not upgraded through this emulator.
      MeshStatus: 'running',
      TotalGatewaysNum: records.length,
      FinishedGatewaysNum: records.filter(([, record]) => record.Status === 'finished').length,
      GatewayStatusRecord: Object.fromEntries(records),
    },
  };
}

/**
 * Upgrades the named gateways to the control plane's version; the lab's ASM control plane then rolls
 * their pods. PreCheck only checks. A gateway already upgrading or upgraded is left as it is.
 */
export function upgradeMeshEditionPartially(state: AsmState, params: Params): Body {
  const mesh = requireMesh(state, params);
  if (!params.bool('ASMGatewayContinue'))
    throw invalidParameter('ASMGatewayContinue', 'The emulator upgrades gateways only: set it to true.');
  const gateways = fullNames(params.required('UpgradeGatewayRecords')).map((name): MeshGateway => {
    const gateway = mesh.gateways.get(name);
    if (!gateway) throw invalidParameter('UpgradeGatewayRecords', `No gateway ${name} in the service mesh.`);
    return gateway;
  });
  const expected = params.optional('ExpectedVersion');
  if (expected !== undefined && expected !== operatorVersion(mesh.version))
    throw new OpenApiError(
      400,
      'UpgradedVersion.NotExpected',
      `The expected version ${expected} is not the version of the upgrade: ${operatorVersion(mesh.version)}.`,
    );
  if (!params.bool('PreCheck')) for (const gateway of gateways) mesh.startUpgrade(gateway);
  return {};
}
