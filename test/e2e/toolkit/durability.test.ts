import path from 'node:path';
import t from 'tap';
import { serveCli, waitForExit } from '../../helpers/cli-server.js';

// The promise of --data: a write answered 2xx survives a hard kill (SIGKILL: no handler runs, no
// snapshot is written). Clients stream creates, the server is killed in the middle of the
// stream, and after a restart every create that was answered is there.

const APPS = '/beta/deviceAppManagement/mobileApps';
const CLIENTS = 16;

/** Creates from several clients until `stop()`; the ids answered 2xx. */
function streamCreates(url: string, tag: string): { stop: () => void; done: Promise<string[]> } {
  let stopped = false;
  const answered: string[] = [];
  const client = async (c: number): Promise<void> => {
    for (let i = 0; !stopped; i++) {
      const id = `${tag}-${c}-${i}`;
      try {
        const response = await fetch(`${url}${APPS}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ '@odata.type': '#microsoft.graph.webApp', id, displayName: id }) });
        await response.arrayBuffer();
        if (response.status >= 200 && response.status < 300) answered.push(id);
      } catch {
        return; // the connection went with the server
      }
    }
  };
  const done = Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c))).then(() => answered);
  return { stop: () => { stopped = true; }, done };
}

async function storedIds(url: string): Promise<Set<string>> {
  const dump = await (await fetch(`${url}/_edmock/dump`)).json() as { services: Record<string, { entities: { id?: string }[] }> };
  return new Set(dump.services['/beta']?.entities.map((e) => e.id).filter((id): id is string => id !== undefined));
}

for (const sync of ['group', 'always']) {
  t.test(`--data-sync ${sync}: every create answered before a SIGKILL is there after the restart`, async (t) => {
    const file = path.join(t.testdir(), 'store.json');
    const server = await serveCli(t, ['--data', file, '--data-sync', sync]);
    const stream = streamCreates(server.url, sync);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    server.child.kill('SIGKILL');
    await waitForExit(server.child);
    stream.stop();
    const answered = await stream.done;
    t.ok(answered.length > 100, `${answered.length} creates answered before the kill`);
    const restarted = await serveCli(t, ['--data', file]);
    const stored = await storedIds(restarted.url);
    const lost = answered.filter((id) => !stored.has(id));
    t.same(lost, [], `none of the ${answered.length} answered creates lost`);
    // Unanswered ones may be there too (written, killed before the answer): never more than were in flight.
    const extra = [...stored].filter((id) => id.startsWith(`${sync}-`)).length - answered.length;
    t.ok(extra >= 0 && extra <= CLIENTS, `${extra} creates on disk that were never answered (at most one per client)`);
    restarted.child.kill('SIGTERM');
    await waitForExit(restarted.child);
  });
}
