// A worker process whose activities act on a file-backed fake world (GATESHIFT_FAKE_STATE), so that a
// test can SIGKILL it and start another that sees the same CLB weights. Test support only.
import { startWorker } from '../../src/worker.js';
import { FakeWorld } from '../workflow/fake-world.js';

const stateFile = process.env.GATESHIFT_FAKE_STATE;
if (!stateFile) throw new Error('GATESHIFT_FAKE_STATE must name the fake world state file');
const world = new FakeWorld(stateFile);
world.analysisRunsUntilCancelled = true;
const worker = await startWorker({ activities: world.activities() });
process.stdout.write('fake worker ready\n');
await worker.done;
