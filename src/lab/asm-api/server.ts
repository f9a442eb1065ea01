// The ASM OpenAPI emulator: the servicemesh (2020-01-11) actions of a gateway canary upgrade, served
// by the shared RPC emulator (../openapi/), which verifies ACS3 signatures and injects API faults.
import { type ApiFaults, noFaults } from '../openapi/faults.js';
import type { Params } from '../openapi/params.js';
import { type ApiRequestRecord, bindActions, startRpcServer } from '../openapi/server.js';
import * as actions from './actions.js';
import { AsmState } from './state.js';

const PRODUCT = { version: '2020-01-11', code: 'servicemesh', name: 'servicemesh', host: 'servicemesh.aliyuncs.com' };

const ACTIONS: Record<string, (state: AsmState, params: Params) => Record<string, unknown>> = {
  DescribeUpgradeVersion: actions.describeUpgradeVersion,
  DescribeServiceMeshUpgradeStatus: actions.describeServiceMeshUpgradeStatus,
  UpgradeMeshEditionPartially: actions.upgradeMeshEditionPartially,
};

export interface AsmApiFaults extends ApiFaults {
  /** The control plane stops a gateway's roll half-way: its status stays `upgrading` while this holds. */
  stallUpgrade: boolean;
}

export interface AsmApiEmulatorOptions {
  /** AccessKey id → secret of the callers the emulator knows. */
  accessKeys: Record<string, string>;
  port?: number;
  state?: AsmState;
  /** Source of the fault draws; pass a seeded generator for repeatable runs. */
  random?: () => number;
}

export interface AsmApiEmulator {
  /** `127.0.0.1:PORT`: the SDK's `endpoint` (with protocol http). */
  endpoint: string;
  state: AsmState;
  faults: AsmApiFaults;
  requests: ApiRequestRecord[];
  stop(): Promise<void>;
}

export async function startAsmApiEmulator(options: AsmApiEmulatorOptions): Promise<AsmApiEmulator> {
  const state = options.state ?? new AsmState();
  const faults: AsmApiFaults = { ...noFaults(), stallUpgrade: false };
  const server = await startRpcServer({ ...options, product: PRODUCT, actions: bindActions(state, ACTIONS), faults });
  return { ...server, state, faults };
}
