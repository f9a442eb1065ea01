// `npm run schema`: writes the JSON Schema of the migration input from the zod schema, for Temporal
// CLI/UI users and editors. `--check` (in `npm run lint`) fails when the committed file is stale.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { z } from 'zod';
import { migrationInputSchema } from '../src/plan/schema.js';

const FILE = 'schema/migration-input.schema.json';
const path = fileURLToPath(new URL(`../${FILE}`, import.meta.url));

function render(): string {
  const generated = z.toJSONSchema(migrationInputSchema, { io: 'input', target: 'draft-2020-12' });
  const { $schema, ...rest } = generated;
  const document = {
    $schema,
    $id: 'urn:gateshift:schema:migration-input',
    title: 'gateshift migration input',
    ...rest,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

const program = new Command('write-schema')
  .description(`write ${FILE} from src/plan/schema.ts`)
  .option('--check', 'exit 1 when the committed file differs from the schema instead of writing it')
  .action(async (options: { check?: boolean }) => {
    const text = render();
    if (!options.check) {
      await writeFile(path, text);
      process.stdout.write(`wrote ${FILE}\n`);
      return;
    }
    const committed = await readFile(path, 'utf8').catch(() => undefined);
    if (committed !== text) {
      process.stderr.write(
        `${FILE} is ${committed === undefined ? 'missing' : 'out of date with src/plan/schema.ts'}: run \`npm run schema\` and commit the result\n`,
      );
      process.exitCode = 1;
    }
  });

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`[write-schema] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
