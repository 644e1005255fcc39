import { Client, GraphError, PageIterator, type FetchOptions, type PageCollection } from '@microsoft/microsoft-graph-client';
import t from 'tap';
import { Agent, type Dispatcher } from 'undici';
import { listeningTlsMock } from '../helpers/listening-mock.js';
import type { TapTest } from '../helpers/server.js';
import { modelFile } from '../helpers/paths.js';

// A delta query driven by the Microsoft Graph JavaScript SDK 3.0.7 as an application syncs users
// (Graph, "Use delta query to track changes": follow @odata.nextLink to the @odata.deltaLink, keep
// it, follow it later for the changes): PageIterator reaches the deltaLink, and a client that
// follows it after changes sees them and a new deltaLink. Over HTTPS, the mock's CA trusted by
// this client alone (as in graph-sdk.test.ts).

const PAGE_SIZE = 2;
const { mock, origin, ca } = await listeningTlsMock(t, { services: [{ prefix: '/v1.0', metadataFile: modelFile('delta.xml') }], fixtures: false, pageSize: PAGE_SIZE });
const dispatcher = new Agent({ connect: { ca } });
t.teardown(() => dispatcher.close());
t.beforeEach(() => mock.reset());

const fetchOptions: FetchOptions & { dispatcher: Dispatcher } = { dispatcher };
const client = Client.initWithMiddleware({
  authProvider: { getAccessToken: async () => 'no-auth-here' },
  baseUrl: origin,
  defaultVersion: 'v1.0',
  fetchOptions,
});

interface User {
  id: string;
  displayName?: string;
  '@removed'?: { reason: string };
}

/** Runs a PageIterator from `first` to its end: the users it saw and the deltaLink it reached. */
async function iterate(t: TapTest, first: PageCollection): Promise<{ seen: User[]; deltaLink: string | undefined }> {
  const seen: User[] = [];
  const iterator = new PageIterator(client, first, (user: User) => seen.push(user) > 0);
  await iterator.iterate();
  t.ok(iterator.isComplete(), 'the iterator completed');
  return { seen, deltaLink: iterator.getDeltaLink() };
}

t.test('PageIterator pages the first round to its deltaLink; following it after changes gives them, then a new deltaLink', async (t) => {
  mock.load('/v1.0/users', ['adele', 'bruno', 'carla', 'dora', 'emil'].map((id) => ({ id, displayName: id })));
  const first = (await client.api('/users/delta').select(['displayName']).get()) as PageCollection;
  t.equal(first.value.length, PAGE_SIZE);
  t.match(first['@odata.nextLink'], new RegExp(`^${origin}/v1\\.0/users/delta\\?\\$skiptoken=`));
  const round = await iterate(t, first);
  t.same(round.seen.map((u) => u.id), ['adele', 'bruno', 'carla', 'dora', 'emil'], 'every user once, over three pages');
  t.match(round.deltaLink, new RegExp(`^${origin}/v1\\.0/users/delta\\?\\$deltatoken=`), 'getDeltaLink() hands back the deltaLink');

  await client.api('/users/bruno').patch({ displayName: 'Bruno' });
  await client.api('/users').post({ id: 'frida', displayName: 'frida' });
  await client.api('/users/adele').delete();
  await client.api('/users/carla').patch({ city: 'Oslo' }); // not selected: not tracked

  const changes = (await client.api(round.deltaLink as string).get()) as PageCollection;
  const next = await iterate(t, changes);
  t.same(next.seen.map(({ id, displayName, '@removed': removed }) => ({ id, displayName, removed })), [
    { id: 'bruno', displayName: 'Bruno', removed: undefined },
    { id: 'frida', displayName: 'frida', removed: undefined },
    { id: 'adele', displayName: undefined, removed: { reason: 'deleted' } },
  ], 'the changes, in change order, the delete as @removed');
  t.not(next.deltaLink, round.deltaLink, 'a new deltaLink');
  const quiet = (await client.api(next.deltaLink as string).get()) as PageCollection;
  t.same(quiet.value, [], 'nothing since');
});

t.test('the SDK sees the 410 syncStateNotFound of a token from before a reset', async (t) => {
  const first = (await client.api('/users/microsoft.graph.delta()').get()) as PageCollection;
  const { deltaLink } = await iterate(t, first);
  mock.reset();
  const error = await client.api(deltaLink as string).get().then(() => undefined, (e: unknown) => e);
  t.type(error, GraphError);
  t.match(error, { statusCode: 410, code: 'syncStateNotFound' });
});
