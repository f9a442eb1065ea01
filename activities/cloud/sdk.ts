// The Alibaba Cloud SDK packages are CommonJS modules with an `exports.default`, and ESM loaders
// disagree on what a default import of one is (Node: module.exports; vitest: exports.default), so
// they are loaded with require, which means the same everywhere. openapi-core ships its build in
// dist/; its postinstall (`select-version`) only pins old TypeScript for Node 10/12, so skipping it
// changes nothing here.
import { createRequire } from 'node:module';
import type CredentialsModule from '@alicloud/credentials';
import type OpenApiModule from '@alicloud/openapi-core';

const require = createRequire(import.meta.url);

export const openApi = require('@alicloud/openapi-core') as typeof OpenApiModule;
export const credentials = require('@alicloud/credentials') as typeof CredentialsModule;

export type AlibabaCredential = InstanceType<typeof credentials.default>;
