// `gateshift list [--all]`: migrations from the server's visibility store, with the state the workflow
// keeps in its search attributes and where it is, its weights and what it waits for from its memo.
import { MIGRATION_WORKFLOW, SEARCH_ATTRIBUTES } from '../api/names.js';
import type { MigrationMemo } from '../api/status.js';
import { withClient } from './client.js';
import { formatList, type ListRow } from './list-format.js';

export async function listCommand(options: { all?: boolean }): Promise<void> {
  const query = `WorkflowType = '${MIGRATION_WORKFLOW}'${options.all ? '' : ` AND ExecutionStatus = 'Running'`}`;
  const rows: ListRow[] = [];
  await withClient(async (client) => {
    for await (const execution of client.workflow.list({ query })) {
      const attributes = execution.typedSearchAttributes;
      const memo = (execution.memo ?? {}) as Partial<MigrationMemo>;
      rows.push({
        workflowId: execution.workflowId,
        state: attributes.get(SEARCH_ATTRIBUTES.state),
        position: memo.position,
        weights: memo.weights,
        resources: attributes.get(SEARCH_ATTRIBUTES.resources) ?? [],
        waitingFor: memo.waitingFor,
        startTime: execution.startTime.toISOString(),
      });
    }
  });
  process.stdout.write(formatList(rows));
}
