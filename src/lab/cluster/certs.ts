// The test cluster's PKI: a throwaway CA, the apiserver's serving certificate, the admin's client
// certificate and the service-account signing key. Keys come from node:crypto; certificates from the
// openssl CLI, because node:crypto can read X.509 but not issue it.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { which } from '../../../scripts/tools/cache.js';

export interface KeyPair {
  cert: string;
  key: string;
}

export interface ClusterPki {
  caCert: string;
  serving: KeyPair;
  admin: KeyPair;
  serviceAccountKey: string;
  serviceAccountPublicKey: string;
}

const DAYS = '2';

/** Writes every file under `dir` and returns their paths. */
export function createPki(dir: string): ClusterPki {
  if (!which('openssl')) throw new Error("the test cluster needs the 'openssl' CLI to issue certificates");
  const ca = { cert: join(dir, 'ca.crt'), key: writeKey(dir, 'ca') };
  const caConfig = writeConfig(
    dir,
    'ca',
    'basicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign',
  );
  openssl(
    ['req', '-x509', '-new', '-key', ca.key, '-subj', '/CN=gateshift-test-ca', '-days', DAYS].concat([
      '-config',
      caConfig,
      '-extensions',
      'ext',
      '-out',
      ca.cert,
    ]),
  );

  const serviceAccountKey = writeKey(dir, 'service-account');
  const serviceAccountPublicKey = join(dir, 'service-account.pub');
  openssl(['pkey', '-in', serviceAccountKey, '-pubout', '-out', serviceAccountPublicKey]);

  return {
    caCert: ca.cert,
    serving: issue(dir, ca, 'apiserver', '/CN=kube-apiserver', 'serverAuth', 'DNS:localhost,IP:127.0.0.1'),
    admin: issue(dir, ca, 'admin', '/CN=admin/O=system:masters', 'clientAuth'),
    serviceAccountKey,
    serviceAccountPublicKey,
  };
}

function issue(dir: string, ca: KeyPair, name: string, subject: string, usage: string, altNames?: string): KeyPair {
  const key = writeKey(dir, name);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.crt`);
  const extensions = [
    'basicConstraints = critical,CA:FALSE',
    'keyUsage = critical,digitalSignature',
    `extendedKeyUsage = ${usage}`,
    ...(altNames ? [`subjectAltName = ${altNames}`] : []),
  ];
  const config = writeConfig(dir, name, extensions.join('\n'));
  openssl(['req', '-new', '-key', key, '-subj', subject, '-config', config, '-out', csr]);
  openssl(
    ['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-days', DAYS].concat([
      '-set_serial',
      `0x${randomBytes(8).toString('hex')}`,
      '-extfile',
      config,
      '-extensions',
      'ext',
      '-out',
      cert,
    ]),
  );
  return { cert, key };
}

function writeKey(dir: string, name: string): string {
  const path = join(dir, `${name}.key`);
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return path;
}

/** A self-contained openssl config, so the host's openssl.cnf adds nothing. */
function writeConfig(dir: string, name: string, extensions: string): string {
  const path = join(dir, `${name}.cnf`);
  writeFileSync(path, `[req]\ndistinguished_name = dn\n[dn]\n[ext]\n${extensions}\n`);
  return path;
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}
