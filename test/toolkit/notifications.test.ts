import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { startReceiver, type Receiver } from '../helpers/notification-receiver.js';
import { modelFile } from '../helpers/paths.js';
import { assertODataError, GUID, startServer, startServerWithEdmx, type Client, type TapTest } from '../helpers/server.js';
import type { CreateServerOptions } from '../../src/server/create-server.js';
import { createMockServer } from '../../src/server/mock-server.js';
import { parseServeOptions } from '../../src/cli/serve-options.js';

// Graph's change notifications through webhooks (docs/notifications.md), spoken to as a client
// does: POST /subscriptions, the validation request a local receiver answers, the notifications
// it gets for creates, updates and deletes, renewal by PATCH, DELETE, lifecycle notifications
// through the admin API, and every outbound request in the journal. Rules cited: "Receive change
// notifications through webhooks" (validation request; retries), the subscription resource type
// (properties, maximum length per resource type), "Reduce missing subscriptions and change
// notifications" (lifecycle payload).

const MODEL = await readFile(modelFile('notifications.xml'), 'utf8');
/** Small windows and timeouts: a test waits on deliveries, never seconds. */
const FAST: CreateServerOptions = { notifications: { batchWindowMs: 5, retryBackoffMs: 5, handshakeTimeoutMs: 2000, deliveryTimeoutMs: 2000 } };

const inMinutes = (minutes: number): string => new Date(Date.now() + minutes * 60_000).toISOString();

async function setUp(t: TapTest, options: CreateServerOptions = FAST): Promise<{ client: Client; receiver: Receiver }> {
  const receiver = await startReceiver(t);
  const client = await startServerWithEdmx(t, MODEL, options);
  return { client, receiver };
}

/**
 * The outbound journal once it holds `count` entries: the receiver has a request before the mock
 * has its answer (and journals the attempt), so the test waits for the entry, as for a delivery.
 */
async function outboundJournal(client: Client, count: number, query = '', headers: Record<string, string> = {}): Promise<any[]> {
  for (let round = 0; ; round++) {
    const entries = (await client.request('GET', `/_edmock/journal?direction=outbound${query}`, undefined, headers)).body.value as any[];
    if (entries.length >= count || round === 1000) return entries;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

function subscription(receiver: Receiver, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { changeType: 'created,updated,deleted', notificationUrl: `${receiver.origin}/hook`, resource: 'users', expirationDateTime: inMinutes(60), clientState: 'secretClientValue', ...extra };
}

t.test('handshake, then a create, an update and a delete of a watched user each notified; a failed delivery is retried', async (t) => {
  const { client, receiver } = await setUp(t);
  const created = await client.post('/subscriptions', subscription(receiver));
  t.equal(created.status, 201, 'created only after the endpoint echoed the token');
  const [validation] = receiver.requests;
  t.equal(validation?.method, 'POST', 'the validation request is a POST');
  t.match(validation?.validationToken, /^Validation: /, 'with the token in the validationToken query parameter');
  t.equal(validation?.contentType, 'text/plain; charset=utf-8');
  t.equal(validation?.body, '');
  t.match(created.body, { '@odata.context': /\$metadata#subscriptions\/\$entity$/, id: GUID, resource: 'users', changeType: 'created,updated,deleted', clientState: 'secretClientValue', applicationId: GUID, creatorId: GUID, latestSupportedTlsVersion: 'v1_2' });
  const id = created.body.id as string;

  // The first delivery fails (503): Graph retries until it gets a 2xx.
  receiver.answerWith([{ status: 503 }]);
  t.equal((await client.post('/users', { id: 'u1', displayName: 'Ada' })).status, 201);
  await receiver.received(3);
  const [failed, retried] = receiver.notifications();
  t.equal(failed?.body, retried?.body, 'the retry sends the same notification');
  t.equal(retried?.contentType, 'application/json; charset=utf-8');
  t.same(retried?.json, { value: [{
    subscriptionId: id, subscriptionExpirationDateTime: created.body.expirationDateTime, changeType: 'created', resource: 'users/u1',
    resourceData: { '@odata.type': '#microsoft.graph.user', '@odata.id': 'users/u1', id: 'u1' }, clientState: 'secretClientValue', tenantId: String(retried?.json.value[0].tenantId),
  }] });
  t.match(retried?.json.value[0].tenantId, GUID);

  t.equal((await client.patch('/users/u1', { jobTitle: 'Engineer' })).status, 204);
  await receiver.received(4);
  t.match(receiver.requests[3]?.json, { value: [{ changeType: 'updated', resource: 'users/u1', resourceData: { id: 'u1' } }] });
  t.equal((await client.delete('/users/u1')).status, 204);
  await receiver.received(5);
  t.match(receiver.requests[4]?.json, { value: [{ changeType: 'deleted', resource: 'users/u1', resourceData: { '@odata.type': '#microsoft.graph.user', id: 'u1' } }] });

  const journal = { body: { value: await outboundJournal(client, 5) } };
  t.same(journal.body.value.map((e: any) => [e.outbound.kind, e.outbound.attempt, e.status, e.outbound.outcome ?? null]), [
    ['validation', 1, 200, null], ['notification', 1, 503, 'retry'], ['notification', 2, 202, null], ['notification', 1, 202, null], ['notification', 1, 202, null],
  ], 'every delivery attempt is journaled, with the receiver\'s answer');
  t.equal(journal.body.value[1].path, '/hook', 'an outbound entry\'s path is the receiver\'s');
  t.same(journal.body.value[1].outbound.subscriptionIds, [id]);
  const inbound = await client.get('/_edmock/journal?direction=inbound&method=POST');
  t.same(inbound.body.value.map((e: any) => e.path), ['/subscriptions', '/users'], 'the requests the mock answered stay apart');
});

t.test('notifications to one URL within the batching window go in one POST', async (t) => {
  const { client, receiver } = await setUp(t, { notifications: { ...FAST.notifications, batchWindowMs: 300 } });
  t.equal((await client.post('/subscriptions', subscription(receiver))).status, 201);
  await client.post('/users', { id: 'u1' });
  await client.post('/users', { id: 'u2' });
  const [, batch] = await receiver.received(2);
  t.same(batch?.json.value.map((n: any) => n.resource), ['users/u1', 'users/u2']);
});

t.test('the validation request must be answered 200, text/plain, with the decoded token, in time; else a 400 as Graph gives and no subscription', async (t) => {
  const { client, receiver } = await setUp(t, { notifications: { ...FAST.notifications, handshakeTimeoutMs: 100 } });
  const cases: [string, Parameters<Receiver['validateWith']>[0], string, RegExp][] = [
    ['403', { status: 403, body: 'no' }, 'ValidationError', /^Subscription validation request failed\. HTTP status code is 'Forbidden'\. Notification endpoint must respond with 200 OK to validation request\.$/],
    ['another token', { status: 200, contentType: 'text/plain', body: 'something else' }, 'ValidationError', /Response must exactly match validationToken query parameter\./],
    ['HTML', { status: 200, contentType: 'text/html', body: 'x' }, 'ValidationError', /must be text\/plain/],
    ['no answer', { hang: true }, 'InvalidRequest', /^Subscription validation request timed out\.$/],
  ];
  for (const [what, answer, code, message] of cases) {
    receiver.validateWith(answer);
    const refused = await client.post('/subscriptions', subscription(receiver));
    assertODataError(t, refused, 400, code);
    t.match(refused.body.error.message, message, what);
  }
  receiver.validateWith({ status: 200, contentType: 'text/plain', body: encodeURIComponent(receiver.requests[0]?.validationToken ?? '') });
  assertODataError(t, await client.post('/subscriptions', subscription(receiver)), 400, 'ValidationError');
  const unreachable = await client.post('/subscriptions', subscription(receiver, { notificationUrl: 'http://127.0.0.1:1/hook' }));
  assertODataError(t, unreachable, 400, 'ValidationError');
  t.equal((await client.get('/subscriptions')).body.value.length, 0, 'nothing was created');
  const journal = await client.get('/_edmock/journal?direction=outbound');
  t.ok(journal.body.value.every((e: any) => e.outbound.kind === 'validation' && typeof e.outbound.failure === 'string'), 'each failed handshake is journaled with why');
});

t.test('a subscription is checked before the validation request: required properties, changeType, endpoint, expiry, clientState, resource', async (t) => {
  const { client, receiver } = await setUp(t);
  await client.post('/users', { id: 'u1' });
  const refused = async (body: Record<string, unknown>, code: string, message: RegExp | string): Promise<void> => {
    const answer = await client.post('/subscriptions', body);
    assertODataError(t, answer, 400, code);
    t.match(answer.body.error.message, message);
  };
  const { expirationDateTime: _, ...noExpiry } = subscription(receiver);
  await refused(noExpiry, 'InvalidRequest', /^expirationDateTime is a required property for subscription creation\.$/);
  await refused(subscription(receiver, { changeType: 'created,moved' }), 'InvalidRequest', "Invalid 'changeType' attribute: 'moved'.");
  await refused(subscription(receiver, { notificationUrl: 'ftp://127.0.0.1/hook' }), 'InvalidRequest', "NotificationUrl scheme='ftp' is not supported.");
  await refused(subscription(receiver, { notificationUrl: 'https://webhook.example.com/hook' }), 'InvalidRequest', /host='webhook\.example\.com' is not this machine/);
  await refused(subscription(receiver, { lifecycleNotificationUrl: 'https://webhook.example.com/life' }), 'InvalidRequest', /^LifecycleNotificationUrl host=/);
  await refused(subscription(receiver, { expirationDateTime: inMinutes(-5) }), 'InvalidRequest', /must be in the future/);
  // Graph's maximum for user, group and other directory resources: 41,760 minutes; Outlook messages: 4,230.
  await refused(subscription(receiver, { expirationDateTime: inMinutes(41_770) }), 'ExtensionError', 'Subscription expiration can only be 41760 minutes in the future.');
  await refused(subscription(receiver, { resource: 'users/u1/messages', expirationDateTime: inMinutes(4240) }), 'ExtensionError', 'Subscription expiration can only be 4230 minutes in the future.');
  await refused(subscription(receiver, { clientState: 'x'.repeat(129) }), 'InvalidRequest', /clientState is longer than 128 characters/);
  await refused(subscription(receiver, { resource: 'printers' }), 'InvalidRequest', /^The resource 'printers' cannot be watched/);
  await refused(subscription(receiver, { resource: 'groups/g1/members' }), 'InvalidRequest', /cannot be watched/);
  // Subscriptions are no resource Graph notifies about; edmock follows them as subscriptions, so
  // one on them would be accepted and never hear a thing.
  await refused(subscription(receiver, { resource: 'subscriptions' }), 'InvalidRequest', /^The resource 'subscriptions' cannot be watched/);
  t.equal(receiver.requests.length, 0, 'no validation request was sent for any of them');
  t.equal((await client.post('/subscriptions', subscription(receiver, { resource: '/users/u1/messages', expirationDateTime: inMinutes(4200) }))).status, 201, 'within the limit');
});

t.test('the expiry limits are configurable per resource type', async (t) => {
  const { client, receiver } = await setUp(t, { notifications: { ...FAST.notifications, maxExpirationMinutes: { user: 10 } } });
  const answer = await client.post('/subscriptions', subscription(receiver, { expirationDateTime: inMinutes(20) }));
  assertODataError(t, answer, 400, 'ExtensionError');
  t.equal(answer.body.error.message, 'Subscription expiration can only be 10 minutes in the future.');
});

t.test('PATCH renews within the limit (and changes nothing else), and DELETE ends a subscription (its endpoint hears no more)', async (t) => {
  const { client, receiver } = await setUp(t);
  const first = (await client.post('/subscriptions', subscription(receiver))).body;
  const second = (await client.post('/subscriptions', subscription(receiver, { clientState: 'second' }))).body;
  const renewedTo = inMinutes(600);
  const renewed = await client.patch(`/subscriptions/${first.id}`, { expirationDateTime: renewedTo });
  t.equal(renewed.status, 204);
  t.equal((await client.get(`/subscriptions/${first.id}`)).body.expirationDateTime, renewedTo);
  assertODataError(t, await client.patch(`/subscriptions/${first.id}`, { expirationDateTime: inMinutes(50_000) }), 400, 'ExtensionError');
  // Graph's subscription Update: "Updates a subscription expiration time for renewal and/or updates the notificationUrl".
  for (const change of [{ resource: 'groups' }, { changeType: 'deleted' }, { clientState: 'other' }, { resource: 5 }]) {
    const refused = await client.patch(`/subscriptions/${first.id}`, change);
    assertODataError(t, refused, 400, 'InvalidRequest');
    t.equal(refused.body.error.target, Object.keys(change)[0], 'the member that cannot change is named');
  }
  t.equal((await client.patch(`/subscriptions/${first.id}`, { resource: first.resource, changeType: first.changeType })).status, 204, 'the same values sent back change nothing');
  t.equal((await client.get(`/subscriptions/${first.id}`)).body.resource, first.resource);
  await client.post('/users', { id: 'u1' });
  const [, , batch] = await receiver.received(3);
  t.same(batch?.json.value.map((n: any) => [n.subscriptionId, n.subscriptionExpirationDateTime]), [[first.id, renewedTo], [second.id, second.expirationDateTime]], 'the renewed expiry is what notifications carry');
  t.equal((await client.delete(`/subscriptions/${first.id}`)).status, 204);
  await client.post('/users', { id: 'u2' });
  const [, , , after] = await receiver.received(4);
  t.same(after?.json.value.map((n: any) => n.subscriptionId), [second.id], 'only the subscription left is notified');
});

t.test('a subscription to one entity hears that entity only, and only the change types it asked for', async (t) => {
  const { client, receiver } = await setUp(t);
  await client.post('/users', { id: 'u1' });
  await client.post('/users', { id: 'u2' });
  t.equal((await client.post('/subscriptions', subscription(receiver, { resource: "users('u1')", changeType: 'updated' }))).status, 201);
  await client.patch('/users/u2', { jobTitle: 'x' });
  await client.post('/users', { id: 'u3' });
  await client.patch('/users/u1', { jobTitle: 'y' });
  const [, only] = await receiver.received(2);
  t.same(only?.json.value.map((n: any) => [n.changeType, n.resource]), [['updated', 'users/u1']]);
});

t.test('lifecycle notifications through the admin API: both endpoints validated, Graph\'s payload, subscriptionRemoved ends it', async (t) => {
  const { client, receiver } = await setUp(t);
  const created = await client.post('/subscriptions', subscription(receiver, { lifecycleNotificationUrl: `${receiver.origin}/life` }));
  t.equal(created.status, 201);
  t.same(receiver.requests.map((r) => [r.path, r.validationToken !== null]), [['/hook', true], ['/life', true]], 'both URLs get the validation request');
  const id = created.body.id as string;
  const missed = await client.post(`/_edmock/subscriptions/${id}/lifecycle`, { event: 'missed' });
  t.equal(missed.status, 202);
  const [, , sent] = await receiver.received(3);
  t.equal(sent?.path, '/life');
  t.same(sent?.json, { value: [{ subscriptionId: id, subscriptionExpirationDateTime: created.body.expirationDateTime, tenantId: missed.body.tenantId, clientState: 'secretClientValue', lifecycleEvent: 'missed' }] });
  t.same((await client.get('/_edmock/subscriptions')).body.value.map((s: any) => s.id), [id]);
  assertODataError(t, await client.post(`/_edmock/subscriptions/${id}/lifecycle`, { event: 'renamed' }), 400, 'BadRequest');
  assertODataError(t, await client.post('/_edmock/subscriptions/nope/lifecycle', { event: 'missed' }), 404, 'ResourceNotFound');
  t.equal((await client.post(`/_edmock/subscriptions/${id}/lifecycle`, { event: 'subscriptionRemoved' })).status, 202);
  await receiver.received(4);
  t.equal(receiver.requests[3]?.json.value[0].lifecycleEvent, 'subscriptionRemoved');
  assertODataError(t, await client.get(`/subscriptions/${id}`), 404, 'ResourceNotFound');
  t.same((await client.get('/_edmock/subscriptions')).body.value, [], 'Graph removed it');
  const plain = await client.post('/subscriptions', subscription(receiver));
  assertODataError(t, await client.post(`/_edmock/subscriptions/${plain.body.id}/lifecycle`, { event: 'reauthorizationRequired' }), 400, 'BadRequest');
});

t.test('notifications given up on after the retries are dropped, and the lifecycle endpoint hears `missed`', async (t) => {
  const { client, receiver } = await setUp(t, { notifications: { ...FAST.notifications, retries: 1 } });
  const created = (await client.post('/subscriptions', subscription(receiver, { lifecycleNotificationUrl: `${receiver.origin}/life` }))).body;
  receiver.answerWith([{ status: 500 }, { status: 500 }]);
  await client.post('/users', { id: 'u1' });
  const requests = await receiver.received(5);
  t.same(requests.slice(2).map((r) => [r.path, r.json.value[0].lifecycleEvent ?? r.json.value[0].changeType]), [['/hook', 'created'], ['/hook', 'created'], ['/life', 'missed']]);
  t.equal(requests[4]?.json.value[0].subscriptionId, created.id);
  const journal = await outboundJournal(client, 3, '&path=/hook');
  t.same(journal.filter((e: any) => e.outbound.kind === 'notification').map((e: any) => e.outbound.outcome), ['retry', 'dropped']);
});

t.test('a session\'s subscriptions hear its own stores, and journal in its own journal', async (t) => {
  const { client, receiver } = await setUp(t);
  const session = { 'x-edmock-session': 'suite-a' };
  t.equal((await client.request('POST', '/subscriptions', subscription(receiver), session)).status, 201);
  await client.post('/users', { id: 'default-user' });
  await client.request('POST', '/users', { id: 'session-user' }, session);
  const [, only] = await receiver.received(2);
  t.same(only?.json.value.map((n: any) => n.resource), ['users/session-user']);
  t.equal((await client.get('/_edmock/journal?direction=outbound')).body.value.length, 0, 'nothing in the default journal');
  t.equal((await outboundJournal(client, 2, '', session)).length, 2, 'the validation request and the delivery, in the session\'s journal');
});

t.test('a reset ends the session\'s subscriptions', async (t) => {
  const { client, receiver } = await setUp(t);
  t.equal((await client.post('/subscriptions', subscription(receiver))).status, 201);
  t.equal((await client.post('/_edmock/reset', {})).status, 204);
  t.same((await client.get('/_edmock/subscriptions')).body.value, []);
  t.same((await client.get('/subscriptions')).body.value, []);
});

t.test('a model without Graph\'s subscriptions set has no notifications at all', async (t) => {
  const client = await startServerWithEdmx(t, await readFile(modelFile('directory.xml'), 'utf8'));
  t.equal(client.app.edmock.subscriptions, undefined);
  t.same((await client.get('/_edmock/subscriptions')).body.value, []);
});

t.test('subscriptions kept in a --data file are watched again after a restart', async (t) => {
  const receiver = await startReceiver(t);
  const dataFile = path.join(t.testdir(), 'data.json');
  const metadataFile = path.join(t.testdir(), 'notifications.xml');
  await writeFile(metadataFile, MODEL);
  const options: CreateServerOptions = { ...FAST, dataFile, services: [{ prefix: '', metadataFile }] };
  const before = await createMockServer(options);
  const created = await before.inject({ method: 'POST', url: '/subscriptions', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(subscription(receiver)) });
  t.equal(created.statusCode, 201);
  await before.close();
  const after = await createMockServer(options);
  t.teardown(() => after.close());
  await after.inject({ method: 'POST', url: '/users', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ id: 'u1' }) });
  const [, notified] = await receiver.received(2);
  t.same(notified?.json.value.map((n: any) => [n.subscriptionId, n.resource]), [[JSON.parse(created.body).id, 'users/u1']]);
});

t.test('serve flags set the timeouts, the batching window and the retries', async (t) => {
  const settings = parseServeOptions(['--notify-handshake-timeout', '500', '--notify-delivery-timeout', '700', '--notify-batch-window', '0', '--notify-retries', '2', '--notify-retry-backoff', '20'], '.');
  t.same(settings === 'help' ? undefined : settings.notifications, { handshakeTimeoutMs: 500, deliveryTimeoutMs: 700, batchWindowMs: 0, retries: 2, retryBackoffMs: 20 });
  t.same(parseServeOptions([], '.') === 'help' ? undefined : (parseServeOptions([], '.') as { notifications: unknown }).notifications, {}, 'none given: Graph\'s defaults');
  t.throws(() => parseServeOptions(['--notify-retries', 'many'], '.'), /--notify-retries/);
});

t.test('in a $batch (answered synchronously) a create is not implemented, a renewal is admitted as outside', async (t) => {
  const { client, receiver } = await setUp(t);
  const created = (await client.post('/subscriptions', subscription(receiver))).body;
  const json = { 'content-type': 'application/json' };
  const renewedTo = inMinutes(90);
  const batch = await client.post('/$batch', { requests: [
    { id: '1', method: 'POST', url: '/subscriptions', headers: json, body: subscription(receiver) },
    { id: '2', method: 'PATCH', url: `/subscriptions/${created.id}`, headers: json, body: { expirationDateTime: renewedTo } },
    { id: '3', method: 'PATCH', url: `/subscriptions/${created.id}`, headers: json, body: { expirationDateTime: inMinutes(50_000) } },
  ] });
  t.equal(batch.status, 200);
  const byId = Object.fromEntries(batch.body.responses.map((r: any) => [r.id, r]));
  t.equal(byId['1'].status, 501);
  t.equal(byId['1'].body.error.code, 'NotImplemented');
  t.equal(byId['2'].status, 204);
  t.equal(byId['3'].status, 400);
  t.equal(byId['3'].body.error.code, 'ExtensionError');
  t.equal((await client.get(`/subscriptions/${created.id}`)).body.expirationDateTime, renewedTo);
  t.equal(receiver.requests.length, 1, 'no validation request for the refused create');
});

t.test('the in-process API lists subscriptions and sends lifecycle notifications', async (t) => {
  const receiver = await startReceiver(t);
  const metadataFile = path.join(t.testdir(), 'notifications.xml');
  await writeFile(metadataFile, MODEL);
  const mock = await createMockServer({ ...FAST, services: [{ prefix: '', metadataFile }] });
  t.teardown(() => mock.close());
  const created = JSON.parse((await mock.inject({ method: 'POST', url: '/subscriptions', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(subscription(receiver, { lifecycleNotificationUrl: `${receiver.origin}/life` })) })).body);
  t.same(mock.subscriptions.list().map((s) => s.id), [created.id]);
  t.match(mock.subscriptions.lifecycle(created.id, 'reauthorizationRequired'), { subscriptionId: created.id, lifecycleEvent: 'reauthorizationRequired' });
  const [, , sent] = await receiver.received(3);
  t.equal(sent?.json.value[0].lifecycleEvent, 'reauthorizationRequired');
  t.throws(() => mock.subscriptions.lifecycle(created.id, 'later'), /'event' is one of/);
});

t.test('a subscription not renewed in time is deleted, as Graph deletes it', async (t) => {
  const { client, receiver } = await setUp(t);
  const created = await client.post('/subscriptions', subscription(receiver, { expirationDateTime: new Date(Date.now() + 300).toISOString() }));
  t.equal(created.status, 201);
  // Waits for the expiry (a fraction of a second), as for a delivery.
  let status = 200;
  for (let round = 0; round < 500 && status === 200; round++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    status = (await client.get(`/subscriptions/${created.body.id}`)).status;
  }
  t.equal(status, 404);
  t.same((await client.get('/_edmock/subscriptions')).body.value, []);
});

t.test('a subscription created asynchronously: its monitor delivers the validation failure as the request\'s answer (Protocol §11.6)', async (t) => {
  // §11.6: once the request has run, the status monitor answers 200 with the response to the
  // initial request, whatever it is: an error included (AsyncResult carries its status).
  const async = { ...FAST, asyncRequests: { requests: ['POST /subscriptions'], pendingPolls: 0 } };
  const { client, receiver } = await setUp(t, async);
  receiver.validateWith({ status: 403 });
  const accepted = await client.post('/subscriptions', subscription(receiver), { prefer: 'respond-async' });
  t.equal(accepted.status, 202);
  const monitor = new URL(String(accepted.headers.location)).pathname;
  const refused = await client.get(monitor, { 'odata-maxversion': '4.01' });
  t.equal(refused.status, 200, 'the monitor answers 200: the request ran');
  t.equal(refused.headers.asyncresult, '400', "AsyncResult: the create's own status");
  t.equal(refused.body.error.code, 'ValidationError', "the body is the create's own error");
  t.equal((await client.get(monitor)).status, 404, 'delivered once');
  t.same((await client.get('/subscriptions')).body.value, [], 'nothing was created');
});

t.test('subscriptions of the startup dataset are watched in every store that holds them: at startup, after a reset, in a new session, and when loaded', async (t) => {
  // docs/notifications.md: "Every write that reaches the store counts"; a subscription in the
  // store is one that notifies, however it got there.
  const receiver = await startReceiver(t);
  const metadataFile = path.join(t.testdir(), 'notifications.xml');
  const fixturesFile = path.join(t.testdir(), 'fixtures.json');
  await writeFile(metadataFile, MODEL);
  const seeded = { id: 'seeded', ...subscription(receiver) };
  await writeFile(fixturesFile, JSON.stringify({ subscriptions: [seeded] }));
  const client = await startServer(t, { ...FAST, services: [{ prefix: '', metadataFile, fixturesFile }] });
  // What the receiver got once it has `count` notifications, or after a bounded wait (a missing one fails the test, not hangs it).
  const notifiedOf = async (count: number): Promise<string[]> => {
    for (let round = 0; round < 500 && receiver.notifications().length < count; round++) await new Promise((resolve) => setTimeout(resolve, 2));
    return receiver.notifications().flatMap((n) => n.json.value.map((v: any) => `${v.subscriptionId} ${v.resource}`));
  };
  t.equal((await client.post('/users', { id: 'u1' })).status, 201);
  t.same(await notifiedOf(1), ['seeded users/u1'], 'at startup');

  t.equal((await client.post('/_edmock/reset', {})).status, 204);
  t.equal((await client.post('/users', { id: 'u2' })).status, 201);
  t.same(await notifiedOf(2), ['seeded users/u1', 'seeded users/u2'], 'after a reset, which brings the startup dataset back');

  const session = { 'x-edmock-session': 'other' };
  t.equal((await client.post('/users', { id: 'u3' }, session)).status, 201);
  t.same(await notifiedOf(3), ['seeded users/u1', 'seeded users/u2', 'seeded users/u3'], 'in a new session, seeded with it');
  t.same((await client.get('/_edmock/subscriptions', session)).body.value.map((s: any) => s.id), ['seeded']);

  const loaded = { id: 'loaded', ...subscription(receiver, { resource: 'groups' }) };
  const fresh = { 'x-edmock-session': 'loading' };
  t.equal((await client.request('DELETE', '/subscriptions/seeded', undefined, fresh)).status, 204, 'the store holds no subscription now');
  t.equal((await client.post('/_edmock/fixtures', { '/subscriptions': [loaded] }, fresh)).status, 201);
  t.equal((await client.post('/groups', { id: 'g1' }, fresh)).status, 201);
  t.same((await notifiedOf(4)).slice(3), ['loaded groups/g1'], 'loaded through the admin API');
});

t.test('timeouts, window and backoff beyond what a timer can wait are refused at start, not turned into 1 ms waits', async (t) => {
  // Node runs a timer of more than 2^31 - 1 ms after 1 ms: a handshake timeout of a month would
  // fail every validation at once, a long backoff would retry in a tight loop.
  const metadataFile = path.join(t.testdir(), 'notifications.xml');
  await writeFile(metadataFile, MODEL);
  const services = [{ prefix: '', metadataFile }];
  for (const name of ['handshakeTimeoutMs', 'deliveryTimeoutMs', 'batchWindowMs', 'retryBackoffMs'] as const) {
    await t.rejects(createMockServer({ services, notifications: { [name]: 2 ** 31 } }), new RegExp(`notifications\\.${name}: 2147483648 is not a whole number from 0 to 2147483647`), name);
  }
  const longest = await createMockServer({ services, notifications: { retryBackoffMs: 2 ** 31 - 1, retries: 100 } });
  await longest.close();
  t.pass('the longest wait a timer holds is taken');
});

t.test('a $batch change set notifies once it commits, and a rolled-back one not at all', async (t) => {
  // OData 4.01 §11.7.4: the requests of an atomicity group succeed or fail together; a change
  // that never happened is nothing to notify about.
  const { client, receiver } = await setUp(t);
  t.equal((await client.post('/subscriptions', subscription(receiver))).status, 201);
  const json = { 'content-type': 'application/json' };
  const rolledBack = await client.post('/$batch', { requests: [
    { id: '1', atomicityGroup: 'g', method: 'POST', url: '/users', headers: json, body: { id: 'gone' } },
    { id: '2', atomicityGroup: 'g', method: 'POST', url: '/users', headers: json, body: { id: 'gone' } },
  ] });
  t.same(rolledBack.body.responses.map((r: any) => r.status).sort(), [409, 424], 'the group failed as a whole');
  const committed = await client.post('/$batch', { requests: [
    { id: '1', atomicityGroup: 'g', method: 'POST', url: '/users', headers: json, body: { id: 'kept' } },
    { id: '2', atomicityGroup: 'g', method: 'PATCH', url: '/users/kept', headers: json, body: { displayName: 'Kept' } },
  ] });
  t.same(committed.body.responses.map((r: any) => r.status), [201, 204]);
  await receiver.received(2);
  const notified = receiver.notifications().flatMap((n) => n.json.value.map((v: any) => `${v.changeType} ${v.resource}`));
  t.same(notified, ['created users/kept', 'updated users/kept'], 'the committed group\'s changes, in one POST; nothing of the rolled-back one');
});
