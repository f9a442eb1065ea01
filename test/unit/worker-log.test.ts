// The worker's log of a migration that ended with one of gateshift's own failures: an info line with the
// message, no stack; anything else keeps the SDK's warning with its error.
import { Writable } from 'node:stream';
import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { FAILURE, failure } from '../../src/api/failures.js';
import { SdkLogAdapter } from '../../src/sdk-log.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, adapter: new SdkLogAdapter(pino({ serializers: { error: pino.stdSerializers.err } }, stream)) };
}

// The log line crosses from the workflow thread as a structured clone, as in the worker.
const asLogged = (error: Error) => structuredClone(error);

describe('the "Workflow failed" log line', () => {
  it('is an info line with the message for a failure gateshift made, with no stack anywhere', async () => {
    const { lines, adapter } = capture();
    const expected = failure(FAILURE.preflightFailed, 'pre-flight failed, nothing was changed: …', { items: [] });
    expect(expected.stack).toBe('');
    adapter.warn('Workflow failed', { error: asLogged(expected), workflowId: 'm1' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, msg: 'Workflow failed', workflowId: 'm1' });
    expect(lines[0]?.failure).toBe('pre-flight failed, nothing was changed: …');
    expect(JSON.stringify(lines[0])).not.toMatch(/stack|\bat /);
  });

  it('stays a warning with its error for anything else', async () => {
    const { lines, adapter } = capture();
    const cause = ApplicationFailure.create({ message: 'boom', type: 'KubeRejected' });
    const wrapped = new ActivityFailure(
      'activity failed',
      'setWeights',
      '1',
      RetryState.NON_RETRYABLE_FAILURE,
      '',
      cause,
    );
    // As the SDK rebuilds it from the server's failure: the wrapper has no stack, its cause does.
    wrapped.stack = '';
    adapter.warn('Workflow failed', { error: asLogged(wrapped) });
    adapter.warn('Workflow failed', { error: asLogged(new Error('a bug')) });
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((line) => line.level)).toEqual([40, 40]);
    expect(lines[1]?.error).toMatchObject({ message: 'a bug' });
  });
});
