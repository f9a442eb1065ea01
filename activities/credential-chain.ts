// The Alibaba Cloud default credential chain as this worker sees it, provider by provider and in the
// order @alicloud/credentials tries them, so that "no credentials" names what was tried instead of the
// library's run-together errors. It names variables and files, never their values.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface CredentialSource {
  /** "ALIBABA_CLOUD_ACCESS_KEY_ID and _SECRET", "the CLI profile ~/.aliyun/config.json", … */
  name: string;
  /** "set", "not set", "present", "absent", "disabled by …" */
  state: string;
  /** Something is there to try: when the chain still fails, the provider's own error matters. */
  configured: boolean;
}

const RRSA = ['ALIBABA_CLOUD_ROLE_ARN', 'ALIBABA_CLOUD_OIDC_PROVIDER_ARN', 'ALIBABA_CLOUD_OIDC_TOKEN_FILE'];

export function credentialChain(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): CredentialSource[] {
  const set = (name: string) => Boolean(env[name]?.trim());
  const disabled = (name: string) => env[name]?.toLowerCase() === 'true';
  const variable = (name: string, variableName: string): CredentialSource => ({
    name,
    state: set(variableName) ? 'set' : 'not set',
    configured: set(variableName),
  });
  const file = (label: string, path: string, disabledBy?: string): CredentialSource => {
    const name = `${label} ${path.replace(home, '~')}`;
    if (disabledBy && disabled(disabledBy)) return { name, state: `disabled by ${disabledBy}`, configured: false };
    const present = existsSync(path);
    return { name, state: present ? 'present' : 'absent', configured: present };
  };
  const rrsaSet = RRSA.filter(set);
  return [
    variable('ALIBABA_CLOUD_ACCESS_KEY_ID and _SECRET', 'ALIBABA_CLOUD_ACCESS_KEY_ID'),
    {
      name: `RRSA (${RRSA.join(', ')})`,
      state:
        rrsaSet.length === 0 ? 'not set' : rrsaSet.length === RRSA.length ? 'set' : `only ${rrsaSet.join(', ')} set`,
      configured: rrsaSet.length > 0,
    },
    file('the CLI profile', join(home, '.aliyun', 'config.json'), 'ALIBABA_CLOUD_CLI_PROFILE_DISABLED'),
    file('the credentials file', env.ALIBABA_CLOUD_CREDENTIALS_FILE || join(home, '.alibabacloud', 'credentials')),
    disabled('ALIBABA_CLOUD_ECS_METADATA_DISABLED')
      ? { name: 'the ECS RAM role', state: 'disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED', configured: false }
      : { name: 'the ECS RAM role', state: 'none from the metadata service', configured: false },
    variable('ALIBABA_CLOUD_CREDENTIALS_URI', 'ALIBABA_CLOUD_CREDENTIALS_URI'),
  ];
}

/** "ALIBABA_CLOUD_ACCESS_KEY_ID and _SECRET (not set); RRSA (…) (not set); …" */
export function describeChain(chain: CredentialSource[]): string {
  return chain.map((source) => `${source.name} (${source.state})`).join('; ');
}
