// The Java time-skipping test server from Maven Central, behind a launcher script that `exec`s the JVM
// so that the SDK's SIGKILL on teardown reaches the server itself.
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { announce, installAtomically, requireCommand, run, toolDir, which } from './cache.js';

export const TEST_SERVER_VERSION = '1.38.0';
export const TEST_SERVER_ENV = 'GATESHIFT_TEST_SERVER';

function launcherPath(dir = toolDir('temporal-test-server', TEST_SERVER_VERSION)): string {
  return join(dir, 'temporal-test-server');
}

export function findTestServer(): string | undefined {
  const fromEnv = process.env[TEST_SERVER_ENV];
  if (fromEnv) return fromEnv;
  return which('temporal-test-server') ?? (existsSync(launcherPath()) ? launcherPath() : undefined);
}

const pom = `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.gateshift</groupId>
  <artifactId>test-server-fetch</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>io.temporal</groupId><artifactId>temporal-test-server</artifactId><version>${TEST_SERVER_VERSION}</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-nop</artifactId><version>2.0.17</version></dependency>
  </dependencies>
</project>
`;

export async function ensureTestServer(): Promise<string> {
  const found = findTestServer();
  if (found) return found;
  requireCommand('the Temporal test server', 'java', 'install a JDK >= 11');
  requireCommand('the Temporal test server', 'mvn', 'install Apache Maven');
  const dir = toolDir('temporal-test-server', TEST_SERVER_VERSION);
  announce(`fetching io.temporal:temporal-test-server:${TEST_SERVER_VERSION} from Maven Central into ${dir}`);
  await installAtomically(dir, async (staging) => {
    writeFileSync(join(staging, 'pom.xml'), pom);
    await run(
      'mvn',
      [
        '-q',
        '-B',
        'dependency:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${join(staging, 'lib')}`,
      ],
      { cwd: staging },
    );
    // The classpath points at the final directory: the staging one is renamed into place.
    writeFileSync(
      launcherPath(staging),
      `#!/bin/sh\nexec java -cp "${join(dir, 'lib')}/*" io.temporal.testserver.TestServer "$@"\n`,
    );
    chmodSync(launcherPath(staging), 0o755);
  });
  return launcherPath();
}
