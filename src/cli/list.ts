// `gateshift list [--all]`: migrations from the server's visibility store.
import { MIGRATION_WORKFLOW, SEARCH_ATTRIBUTES } from '../api/names.js';
import { withClient } from './client.js';
import { formatList, type ListRow } from './format.js';

export async function listCommand(options: { all?: boolean }): Promise<void> {
  const query = `WorkflowType = '${MIGRATION_WORKFLOW}'${options.all ? '' : ` AND ExecutionStatus = 'Running'`}`;
  const rows: ListRow[] = [];
  await withClient(async (client) => {
    for await (const execution of client.workflow.list({ query })) {
      const attributes = execution.typedSearchAttributes;
      rows.push({
        workflowId: execution.workflowId,
        state: attributes.get(SEARCH_ATTRIBUTES.state),
        phase: attributes.get(SEARCH_ATTRIBUTES.phase),
        resources: attributes.get(SEARCH_ATTRIBUTES.resources) ?? [],
        startTime: execution.startTime.toISOString(),
      });
    }
  });
  process.stdout.write(formatList(rows));
}
