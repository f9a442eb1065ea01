// The emulated ASM world: service meshes, each with its control plane's version and the version and
// upgrade state of each of its gateways. The ASM OpenAPI emulator and the lab's ASM control-plane
// simulator both read and write it: the API starts an upgrade, the simulator rolls the gateway's pods
// and reports it finished.
import { compareVersions } from './versions.js';

export type GatewayUpgradeStatus = 'notStart' | 'pending' | 'upgrading' | 'finished' | 'failed';

export interface MeshGateway {
  /** `namespace:name`, as the API names gateways. */
  fullName: string;
  /** The ASM version its pods run, e.g. `1.20.6.29`. */
  version: string;
  /** The version an upgrade in progress brings; undefined when none runs. */
  upgradingTo?: string;
}

export const gatewayFullName = (namespace: string, name: string) => `${namespace}:${name}`;

export class Mesh {
  readonly gateways = new Map<string, MeshGateway>();

  constructor(
    readonly id: string,
    /** The ASM version of the control plane, e.g. `1.22.6.29`. */
    public version: string,
    readonly kubernetesVersion: string,
  ) {}

  /** A gateway the control plane made: it starts at the control plane's version. Idempotent. */
  addGateway(fullName: string): MeshGateway {
    const existing = this.gateways.get(fullName);
    if (existing) return existing;
    const gateway = { fullName, version: this.version };
    this.gateways.set(fullName, gateway);
    return gateway;
  }

  removeGateway(fullName: string): void {
    this.gateways.delete(fullName);
  }

  /** Step 1 of a canary upgrade, done in the ASM console: the gateways keep their version. */
  upgradeControlPlane(version: string): void {
    this.version = version;
  }

  statusOf(gateway: MeshGateway): GatewayUpgradeStatus {
    if (gateway.upgradingTo) return 'upgrading';
    return compareVersions(gateway.version, this.version) < 0 ? 'notStart' : 'finished';
  }

  /** A gateway older than the control plane starts rolling to it; anything else changes nothing. */
  startUpgrade(gateway: MeshGateway): void {
    if (this.statusOf(gateway) === 'notStart') gateway.upgradingTo = this.version;
  }

  /** Called by the control plane once every pod of the gateway runs the new version. */
  finishUpgrade(gateway: MeshGateway): void {
    if (!gateway.upgradingTo) return;
    gateway.version = gateway.upgradingTo;
    gateway.upgradingTo = undefined;
  }
}

export interface MeshSpec {
  id: string;
  version: string;
  kubernetesVersion?: string;
}

export class AsmState {
  readonly meshes = new Map<string, Mesh>();

  addMesh(spec: MeshSpec): Mesh {
    const mesh = new Mesh(spec.id, spec.version, spec.kubernetesVersion ?? '1.33.1-aliyun.1');
    this.meshes.set(mesh.id, mesh);
    return mesh;
  }
}
