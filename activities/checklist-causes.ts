// Why a pre-flight check could not be made, read from the typed failure it ended with: no kubeconfig, no
// credentials (naming the chain that was tried), access denied (naming the exact RAM action or RBAC
// verb), a resource that does not exist (which is about the input, never about permissions), an API
// that did not answer. Each reason comes with the fix that fits it.
import { ApplicationFailure } from '@temporalio/common';
import { credentialChain, describeChain } from './credential-chain.js';

export interface Unchecked {
  /** `<reason>` or `<reason>: <detail>`, see ChecklistItem.cause. */
  cause: string;
  why: string;
  /** Absent when the error does not tell what to do: the check's own advice applies. */
  fix?: string;
}

/** What the caller knows better than the error: which input field names a resource that was not found. */
export interface CauseAdvice {
  notFound?: string;
}

/** The details the cloud clients attach (CloudErrorInfo). */
interface CloudInfo {
  action?: string;
  resource?: string;
  regionId?: string;
  ramAction?: string;
}

/** The details the Kubernetes helpers attach (KubeErrorDetails). */
interface KubeInfo {
  verb?: string;
  resource?: string;
  group?: string;
  namespace?: string;
  name?: string;
}

// The cloud clients' failure types: a product prefix and a kind (activities/cloud/errors.ts).
const CLOUD_TYPE =
  /^(Clb|Asm)(NotFound|Forbidden|AuthFailed|RequestRejected|Throttled|Unavailable|CredentialsUnavailable|BadResponse)$/;
const PRODUCT = { Clb: 'SLB API', Asm: 'ASM API' } as const;

function cloud(product: 'Clb' | 'Asm', kind: string, error: ApplicationFailure, advice: CauseAdvice): Unchecked {
  const info = (error.details?.[0] ?? {}) as CloudInfo;
  const where = info.resource ? `${info.resource}${info.regionId ? ` in ${info.regionId}` : ''}` : 'the resource';
  switch (kind) {
    case 'NotFound':
      return {
        cause: `not found: ${where}`,
        why: `${where} does not exist`,
        fix: advice.notFound ?? `check the input: it names ${where}, which the ${PRODUCT[product]} does not know`,
      };
    case 'Forbidden': {
      const action = info.ramAction ?? `the RAM action of ${info.action ?? 'the call'}`;
      return {
        cause: `access denied: ${action}`,
        why: `the worker's RAM identity may not call ${info.action ?? 'the API'} on ${where}`,
        fix: `grant the worker's RAM identity ${action}${info.resource ? ` on ${info.resource}` : ''}`,
      };
    }
    case 'CredentialsUnavailable': {
      const chain = credentialChain();
      const tried = `tried ${describeChain(chain)}`;
      // The library's own words only help when something was there to try; otherwise they are noise.
      const said = chain.some((source) => source.configured) ? `: ${error.message}` : '';
      return {
        cause: 'no Alibaba Cloud credentials',
        why: `no Alibaba Cloud credentials (${tried})${said}`,
        fix: 'give the worker credentials: ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, RRSA in a cluster (deploy/rrsa.yaml), or a CLI profile (ALIBABA_CLOUD_PROFILE); the input never carries them',
      };
    }
    case 'AuthFailed':
      return {
        cause: 'Alibaba Cloud credentials refused',
        why: error.message,
        fix: "correct the worker's Alibaba Cloud credentials",
      };
    case 'Throttled':
    case 'Unavailable':
      return { cause: `${PRODUCT[product]} unreachable`, why: error.message };
    default:
      return { cause: `${PRODUCT[product]} error`, why: error.message };
  }
}

function kube(type: string, error: ApplicationFailure, advice: CauseAdvice): Unchecked | undefined {
  const info = (error.details?.[0] ?? {}) as KubeInfo;
  switch (type) {
    case 'KubeConfigInvalid':
      return error.message.startsWith('no kubeconfig')
        ? {
            cause: 'no kubeconfig',
            why: 'the worker has no kubeconfig',
            fix: 'give the worker a kubeconfig: set KUBECONFIG where it runs (npm run dev, npm start), provide ~/.kube/config, or run it in a cluster',
          }
        : { cause: 'kubeconfig unusable', why: error.message, fix: "correct the worker's kubeconfig" };
    case 'KubeForbidden':
      return {
        cause: `access denied: RBAC ${info.verb ?? ''} ${info.resource ?? ''}`.trimEnd(),
        why: error.message,
        fix: `grant the worker's ServiceAccount verb "${info.verb}" on "${info.resource}" (apiGroup "${info.group ?? ''}") in namespace ${info.namespace}: see deploy/rbac/`,
      };
    case 'KubeUnauthorized':
      return {
        cause: 'Kubernetes credentials refused',
        why: error.message,
        fix: "renew the worker's kubeconfig credentials",
      };
    case 'KubeNotFound': {
      const object = info.name ? `${info.resource} ${info.namespace}/${info.name}` : `namespace ${info.namespace}`;
      return {
        cause: `not found: ${object}`,
        why: `${object} does not exist`,
        fix: advice.notFound ?? `check the input: it names ${object}, which the cluster does not have`,
      };
    }
    case 'KubeUnavailable':
    case 'KubeThrottled':
      return { cause: 'Kubernetes API unreachable', why: error.message };
    default:
      return undefined;
  }
}

export function explainUnchecked(error: unknown, advice: CauseAdvice = {}): Unchecked {
  if (error instanceof ApplicationFailure && error.type) {
    const cloudType = CLOUD_TYPE.exec(error.type);
    if (cloudType) return cloud(cloudType[1] as 'Clb' | 'Asm', cloudType[2] as string, error, advice);
    const known = kube(error.type, error, advice);
    if (known) return known;
  }
  return { cause: 'an error', why: error instanceof Error ? error.message : String(error) };
}
