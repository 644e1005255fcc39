import t from 'tap';
import { GRAPH_V1_METADATA as GRAPH, graphV1Missing } from '../../helpers/paths.js';
import { startServer, type Client } from '../../helpers/server.js';

// Delta queries on the whole Microsoft Graph v1.0 metadata, where `delta` is bound to
// Collection(graph.user), Collection(graph.group), messages in a mail folder (contained) and two
// dozen more: the same rounds as on our own model (test/odata/delta.test.ts). driveItem binds
// `delta` to one entity (a drive's root), which is not a collection's delta: left out.

const ORIGIN = 'http://localhost:80';

async function round(client: Client, url: string): Promise<{ ids: unknown[]; deltaLink: string }> {
  const ids: unknown[] = [];
  let next: string | undefined = url;
  let deltaLink = '';
  while (next !== undefined) {
    const page = await client.get(next);
    if (page.status !== 200) throw new Error(`${next}: ${page.status} ${page.text}`);
    ids.push(...page.body.value.map((v: { id: string; '@removed'?: unknown }) => (v['@removed'] ? `-${v.id}` : v.id)));
    next = page.body['@odata.nextLink']?.slice(ORIGIN.length);
    deltaLink = page.body['@odata.deltaLink']?.slice(ORIGIN.length) ?? deltaLink;
  }
  return { ids, deltaLink };
}

if (graphV1Missing) {
  t.plan(0, graphV1Missing);
} else {
  t.test('users, groups and a mail folder\'s messages answer delta rounds on the whole Graph metadata', async (t) => {
    const client = await startServer(t, { services: [{ prefix: '/v1.0', metadataFile: GRAPH }], fixtures: false, pageSize: 2 });
    for (const id of ['u1', 'u2', 'u3']) t.equal((await client.post('/v1.0/users', { id, displayName: id, accountEnabled: true })).status, 201);
    t.equal((await client.post('/v1.0/groups', { id: 'g1', displayName: 'Team', mailEnabled: false, securityEnabled: true })).status, 201);
    const users = await round(client, '/v1.0/users/delta?$select=displayName');
    t.same(users.ids, ['u1', 'u2', 'u3']);
    const groups = await round(client, '/v1.0/groups/microsoft.graph.delta()');
    t.same(groups.ids, ['g1']);
    t.equal((await client.post('/v1.0/users/u1/mailFolders', { id: 'inbox', displayName: 'Inbox' })).status, 201);
    const messages = await round(client, '/v1.0/users/u1/mailFolders/inbox/messages/delta');
    t.same(messages.ids, []);

    t.equal((await client.patch('/v1.0/users/u2', { displayName: 'Two' })).status, 204);
    t.equal((await client.delete('/v1.0/users/u3')).status, 204);
    t.equal((await client.patch('/v1.0/groups/g1', { description: 'x' })).status, 204);
    t.equal((await client.post('/v1.0/users/u1/mailFolders/inbox/messages', { id: 'm1', subject: 'Hello' })).status, 201);
    t.same((await round(client, users.deltaLink)).ids, ['u2', '-u3']);
    t.same((await round(client, groups.deltaLink)).ids, ['g1']);
    t.same((await round(client, messages.deltaLink)).ids, ['m1']);
    const latest = await client.get('/v1.0/servicePrincipals/delta?$deltatoken=latest');
    t.same(latest.body.value, [], '$deltatoken=latest on another directory collection');
    t.match(latest.body['@odata.deltaLink'], /servicePrincipals\/delta\?\$deltatoken=/);
  });
}
