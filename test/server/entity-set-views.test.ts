import { readFile } from 'node:fs/promises';
import t from 'tap';
import { assertODataError, startServerWithEdmx, type Client, type TapTest } from '../helpers/server.js';
import { modelFile } from '../helpers/paths.js';

// Entity set views: in Microsoft Graph every user, group, device, ... is also a directoryObject, so
// `GET /directoryObjects/{id}` finds a user and the documented add-member request posts
// `{"@odata.id": ".../directoryObjects/{id}"}` to `groups/{id}/members/$ref`
// (https://learn.microsoft.com/graph/api/group-post-members). The model's own sets stay apart;
// the service is told which set sees which (`entitySetViews`, default Graph's directoryObjects).

const DIRECTORY = await readFile(modelFile('directory.xml'), 'utf8');

async function directory(t: TapTest, views?: Record<string, string[] | '*'>): Promise<Client> {
  const client = await startServerWithEdmx(t, DIRECTORY, views === undefined ? {} : { entitySetViews: views });
  t.equal((await client.post('/accounts', { id: 'a1', displayName: 'Ada' })).status, 201);
  t.equal((await client.post('/teams', { id: 't1', title: 'Ops' })).status, 201);
  t.equal((await client.post('/directoryEntries', { id: 'e1' })).status, 201);
  return client;
}

t.test('a view set lists its own members and those of the sets it sees, each with its own type', async (t) => {
  const client = await directory(t, { directoryEntries: '*' });
  const list = await client.get('/directoryEntries');
  t.equal(list.status, 200);
  t.same(list.body.value.map((e: { id: string }) => e.id), ['e1', 'a1', 't1'], 'own members first, then each set in container order');
  t.same(list.body.value.map((e: Record<string, string>) => e['@odata.type']), ['#example.directory.directoryEntry', '#example.directory.account', '#example.directory.team']);
  t.equal((await client.get('/directoryEntries/$count')).text, '3');
  const filtered = await client.get(`/directoryEntries?$filter=id eq 'a1'`);
  t.same(filtered.body.value.map((e: { id: string }) => e.id), ['a1'], '$filter runs over the union');
  const cast = await client.get('/directoryEntries/example.directory.team');
  t.same(cast.body.value.map((e: { id: string }) => e.id), ['t1'], 'a cast narrows the union');
});

t.test('a member of a seen set is addressable by key through the view, in both key forms', async (t) => {
  const client = await directory(t, { directoryEntries: ['accounts', 'teams'] });
  for (const url of ["/directoryEntries('a1')", '/directoryEntries/a1']) {
    const read = await client.get(url);
    t.equal(read.status, 200, url);
    t.equal(read.body['@odata.type'], '#example.directory.account');
    t.equal(read.body.displayName, 'Ada');
  }
  t.equal((await client.patch('/directoryEntries/a1', { deletedDateTime: '2026-01-01T00:00:00Z' })).status, 204, 'PATCH through the view');
  t.equal((await client.get('/accounts/a1')).body.deletedDateTime, '2026-01-01T00:00:00Z', 'changes the entity where it lives');
  assertODataError(t, await client.get('/directoryEntries/nobody'), 404, 'ResourceNotFound');
});

t.test("Graph's add-member form: POST .../members/$ref with an @odata.id through the view links the entity", async (t) => {
  const client = await directory(t);
  const added = await client.post('/teams/t1/members/$ref', { '@odata.id': 'http://localhost:80/directoryEntries/a1' });
  assertODataError(t, added, 404, 'ResourceNotFound'); // no view: the default (Graph's directoryObjects) is not in this model
  const viewed = await directory(t, { directoryEntries: '*' });
  t.equal((await viewed.post('/teams/t1/members/$ref', { '@odata.id': 'http://localhost:80/directoryEntries/a1' })).status, 204);
  const members = await viewed.get('/teams/t1/members');
  t.same(members.body.value.map((e: { id: string }) => e.id), ['a1']);
  t.equal(members.body.value[0]['@odata.type'], '#example.directory.account');
  t.equal((await viewed.delete('/accounts/a1')).status, 204);
  t.same((await viewed.get('/teams/t1/members')).body.value, [], 'deleting the entity where it lives removes the link');
});

t.test('views are checked at start: an unknown set or a set of an unrelated type is refused with the names', async (t) => {
  await t.rejects(startServerWithEdmx(t, DIRECTORY, { entitySetViews: { directoryEntries: ['printers'] } }), /'printers' holds example.directory.printer, which does not derive from example.directory.directoryEntry/);
  await t.rejects(startServerWithEdmx(t, DIRECTORY, { entitySetViews: { nowhere: '*' } }), /no entity set of that name/);
  const off = await directory(t, {});
  assertODataError(t, await off.get('/directoryEntries/a1'), 404, 'ResourceNotFound');
});
