// Kubeconfig files for the test cluster's identities, with the credentials embedded so that any
// client (client-node, kubectl) can use them as they are.
import { readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

export type Credentials = { certFile: string; keyFile: string } | { token: string };

export function writeKubeconfig(
  path: string,
  server: string,
  caFile: string,
  user: string,
  credentials: Credentials,
): string {
  const base64 = (file: string) => readFileSync(file).toString('base64');
  const userEntry =
    'token' in credentials
      ? { token: credentials.token }
      : { 'client-certificate-data': base64(credentials.certFile), 'client-key-data': base64(credentials.keyFile) };
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'gateshift-test', cluster: { server, 'certificate-authority-data': base64(caFile) } }],
    users: [{ name: user, user: userEntry }],
    contexts: [{ name: user, context: { cluster: 'gateshift-test', user } }],
    'current-context': user,
  };
  writeFileSync(path, stringify(config), { mode: 0o600 });
  return path;
}
