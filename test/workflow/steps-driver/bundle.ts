// Bundles the product's workflows with the test registry in place of the product's plan registry: the
// workflow code itself is the same.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';

const PRODUCT_REGISTRY = fileURLToPath(new URL('../../../src/plan/drivers/index.ts', import.meta.url));
const TEST_REGISTRY = fileURLToPath(new URL('./registry.ts', import.meta.url));

interface ResolveData {
  createData: { resource?: string; context?: string };
}
interface Compiler {
  hooks: {
    normalModuleFactory: {
      tap(
        name: string,
        fn: (factory: {
          hooks: { afterResolve: { tap(name: string, fn: (data: ResolveData) => void): void } };
        }) => void,
      ): void;
    };
  };
}

/** What webpack's NormalModuleReplacementPlugin does, for one module (without importing webpack). */
const replaceRegistry = {
  apply(compiler: Compiler) {
    compiler.hooks.normalModuleFactory.tap('test-registry', (factory) => {
      factory.hooks.afterResolve.tap('test-registry', (data) => {
        if (data.createData.resource !== PRODUCT_REGISTRY) return;
        // The replacement's own relative imports resolve from where it lives.
        data.createData.resource = TEST_REGISTRY;
        data.createData.context = dirname(TEST_REGISTRY);
      });
    });
  },
};

export async function bundleWithTestDriver(): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('../../../workflows/index.ts', import.meta.url)),
    webpackConfigHook: (config) => ({ ...config, plugins: [...(config.plugins ?? []), replaceRegistry] }),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
  });
  return code;
}
