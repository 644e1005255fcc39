import path from 'node:path';
import t from 'tap';
import { REPO_ROOT } from '../helpers/paths.js';
import { assertODataError, startServer } from '../helpers/server.js';

// Functions with nothing to return (test/models/operation-results.xml), Protocol §11.5.3.1: a
// single entity that may be null is a 204, one that may not is a 404 (and stops a composition
// there); a collection no entity set holds is empty, and its $count is 0.

const MODEL = path.join(REPO_ROOT, 'test', 'models', 'operation-results.xml');
const NS = 'Example.League';

t.test('a single entity: a 404 when the return type is not nullable, a 204 when it is, the entity when there is one', async (t) => {
  const client = await startServer(t, { services: [{ prefix: '', metadataFile: MODEL }], fixtures: false });
  const none = await client.get('/Champion(season=2024)');
  assertODataError(t, none, 404, 'ResourceNotFound');
  t.match(none.body.error.message, `'${NS}.Champion'`);
  assertODataError(t, await client.get('/Champion(season=2024)/City'), 404, 'ResourceNotFound');
  t.equal((await client.get('/Favourite()')).status, 204, 'nullable: no content');
  t.equal((await client.post('/Teams', { Code: 'RED', City: 'Leeds' })).status, 201);
  const champion = await client.get('/Champion(season=2024)');
  t.equal(champion.status, 200);
  t.match(champion.body, { Code: 'RED', City: 'Leeds' });
  t.same((await client.get('/Champion(season=2024)/City')).body.value, 'Leeds', 'composes once there is a result');
  const bound = await client.get(`/Teams('RED')/${NS}.TopScorer()`);
  assertODataError(t, bound, 404, 'ResourceNotFound'); // bound, through a containment with no player in it
});

t.test('a collection no entity set holds: empty, and its $count is 0', async (t) => {
  const client = await startServer(t, { services: [{ prefix: '', metadataFile: MODEL }], fixtures: false });
  t.equal((await client.post('/Teams', { Code: 'RED' })).status, 201);
  const players = await client.get(`/Teams('RED')/${NS}.RivalPlayers()`);
  t.equal(players.status, 200);
  t.same(players.body.value, []);
  const count = await client.get(`/Teams('RED')/${NS}.RivalPlayers()/$count`);
  t.equal(count.status, 200);
  t.equal(count.text, '0');
  t.match(count.headers['content-type'], /^text\/plain/);
  assertODataError(t, await client.get(`/Teams('RED')/${NS}.RivalPlayers()/$count/x`), 404, 'ResourceNotFound');
});
