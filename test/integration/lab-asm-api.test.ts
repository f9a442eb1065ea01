// The ASM OpenAPI emulator, called by the real @alicloud/openapi-core client as the worker calls it:
// signatures verified, each action's answer shape, the upgrade's checks (PreCheck, ExpectedVersion,
// unknown mesh or gateway), an idempotent upgrade, and the API faults shared with the SLB emulator.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { callAsmApi } from '../../src/lab/asm-api/call.js';
import { type AsmApiEmulator, startAsmApiEmulator } from '../../src/lab/asm-api/server.js';
import type { Mesh } from '../../src/lab/asm-api/state.js';

const AK = 'LTAI5tAsmEmulatorTest';
const SECRET = 'asm-emulator-secret';
const MESH_ID = 'c0ffee00a5e1b2c3d4e5f60718293a4b';
const GATEWAY = 'istio-system:ingressgateway-asm';
const NEW_OPERATOR_VERSION = 'v1.22.6.29-gaaaaaaaa-aliyun';

let emulator: AsmApiEmulator;
let mesh: Mesh;

const call = (action: string, query: Record<string, string>, secret = SECRET) =>
  callAsmApi({ endpoint: emulator.endpoint, accessKeyId: AK, accessKeySecret: secret }, action, query);

const upgrade = (extra: Record<string, string> = {}) =>
  call('UpgradeMeshEditionPartially', {
    ServiceMeshId: MESH_ID,
    ASMGatewayContinue: 'true',
    UpgradeGatewayRecords: GATEWAY,
    ExpectedVersion: NEW_OPERATOR_VERSION,
    ...extra,
  });

const statusOf = async (names = GATEWAY) =>
  (await call('DescribeServiceMeshUpgradeStatus', { ServiceMeshId: MESH_ID, AllIstioGatewayFullNames: names })).body;

beforeAll(async () => {
  emulator = await startAsmApiEmulator({ accessKeys: { [AK]: SECRET } });
});

afterAll(async () => {
  await emulator?.stop();
});

beforeEach(() => {
  Object.assign(emulator.faults, { throttleRate: 0, latencyMs: 0, serverErrorRate: 0 });
  emulator.faults.forbiddenActions.clear();
  emulator.state.meshes.clear();
  // The gateway was made at 1.20; then the control plane was upgraded (step 1 of the procedure).
  mesh = emulator.state.addMesh({ id: MESH_ID, version: '1.20.6.29' });
  mesh.addGateway(GATEWAY);
  mesh.addGateway('istio-system:egressgateway');
  mesh.upgradeControlPlane('1.22.6.29');
});

describe('ASM OpenAPI emulator', () => {
  it('verifies signatures: a wrong secret is refused', async () => {
    const answer = await call('DescribeUpgradeVersion', { ServiceMeshId: MESH_ID }, 'not-the-secret');
    expect(answer).toMatchObject({ status: 400, body: { Code: 'SignatureDoesNotMatch' } });
  });

  it('answers DescribeUpgradeVersion with the control plane version a gateway upgrade brings', async () => {
    const answer = await call('DescribeUpgradeVersion', { ServiceMeshId: MESH_ID });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      RequestId: expect.any(String),
      Version: {
        KubernetesVersion: expect.any(String),
        IstioOperatorVersion: NEW_OPERATOR_VERSION,
        IstioVersion: '1.22.6',
      },
    });
  });

  it('answers DescribeServiceMeshUpgradeStatus per gateway: an older one not being upgraded is notStart', async () => {
    expect(await statusOf(`${GATEWAY},istio-system:egressgateway`)).toEqual({
      RequestId: expect.any(String),
      UpgradeDetail: {
        MeshStatus: 'running',
        TotalGatewaysNum: 2,
        FinishedGatewaysNum: 0,
        GatewayStatusRecord: {
          [GATEWAY]: { Status: 'notStart', Version: '1.20.6.29', Message: '' },
          'istio-system:egressgateway': { Status: 'notStart', Version: '1.20.6.29', Message: '' },
        },
      },
    });
  });

  it('changes nothing on PreCheck, upgrades otherwise, and a second call changes nothing', async () => {
    expect(await upgrade({ PreCheck: 'true' })).toEqual({ status: 200, body: { RequestId: expect.any(String) } });
    expect(await statusOf()).toMatchObject({
      UpgradeDetail: { GatewayStatusRecord: { [GATEWAY]: { Status: 'notStart', Version: '1.20.6.29' } } },
    });

    expect(await upgrade()).toEqual({ status: 200, body: { RequestId: expect.any(String) } });
    expect(await statusOf()).toMatchObject({
      UpgradeDetail: { GatewayStatusRecord: { [GATEWAY]: { Status: 'upgrading', Version: '1.20.6.29' } } },
    });
    expect((await upgrade()).status).toBe(200);
    expect(mesh.gateways.get(GATEWAY)?.upgradingTo).toBe('1.22.6.29');

    // The control plane reports the roll done (the simulator does this in the lab).
    mesh.finishUpgrade(mesh.addGateway(GATEWAY));
    expect((await upgrade()).status).toBe(200);
    expect(await statusOf()).toMatchObject({
      UpgradeDetail: {
        TotalGatewaysNum: 1,
        FinishedGatewaysNum: 1,
        GatewayStatusRecord: { [GATEWAY]: { Status: 'finished', Version: '1.22.6.29', Message: 'success' } },
      },
    });
    expect(mesh.gateways.get('istio-system:egressgateway')?.upgradingTo).toBeUndefined();
  });

  it('refuses an ExpectedVersion other than the control plane version, an unknown mesh and an unknown gateway', async () => {
    expect(await upgrade({ ExpectedVersion: 'v1.21.6.9-gbbbbbbbb-aliyun' })).toMatchObject({
      status: 400,
      body: { Code: 'UpgradedVersion.NotExpected' },
    });
    expect(await upgrade({ ServiceMeshId: 'nope' })).toMatchObject({
      status: 404,
      body: { Code: 'ServiceMesh.NotFound' },
    });
    expect(await upgrade({ UpgradeGatewayRecords: 'istio-system:nope' })).toMatchObject({
      status: 400,
      body: { Code: 'InvalidParameter' },
    });
    expect(await call('DescribeUpgradeVersion', {})).toMatchObject({
      status: 400,
      body: { Code: 'MissingServiceMeshId' },
    });
    expect(mesh.gateways.get(GATEWAY)?.upgradingTo).toBeUndefined();
  });

  it('injects the API faults of the shared RPC emulator: throttling and RAM denials', async () => {
    emulator.faults.throttleRate = 1;
    expect(await statusOf()).toMatchObject({ Code: 'Throttling.User' });
    emulator.faults.throttleRate = 0;
    emulator.faults.forbiddenActions.add('UpgradeMeshEditionPartially');
    expect(await upgrade()).toMatchObject({
      status: 403,
      body: { Code: 'Forbidden.RAM', AccessDeniedDetail: { AuthAction: 'servicemesh:UpgradeMeshEditionPartially' } },
    });
    expect(emulator.requests.slice(-2).map((request) => request.code)).toEqual(['Throttling.User', 'Forbidden.RAM']);
  });
});
