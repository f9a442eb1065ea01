// ASM's version strings: an ASM release `1.22.6.29` is Istio `1.22.6` plus ASM's own build number;
// the control plane's operator reports it as `v1.22.6.29-g<commit>-aliyun`, and gateway pods run the
// image `…/proxyv2:1.22.6.29`.

/** The lab's builds all carry this commit. */
const LAB_COMMIT = 'aaaaaaaa';

export const istioVersion = (asmVersion: string) => asmVersion.split('.').slice(0, 3).join('.');

export const operatorVersion = (asmVersion: string) => `v${asmVersion}-g${LAB_COMMIT}-aliyun`;

/** Negative when a is older than b, 0 when equal, positive when newer; numeric part by part. */
export function compareVersions(a: string, b: string): number {
  const [left, right] = [a, b].map((version) => version.split('.').map(Number));
  for (let i = 0; i < Math.max(left?.length ?? 0, right?.length ?? 0); i++) {
    const difference = (left?.[i] ?? 0) - (right?.[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
