import t from 'tap';
import { GRAPH_V1_METADATA as GRAPH, graphV1Missing } from '../../helpers/paths.js';
import { startReceiver } from '../../helpers/notification-receiver.js';
import { assertODataError, GUID, startServer } from '../../helpers/server.js';

// Change notifications on the whole Microsoft Graph v1.0 metadata (docs/notifications.md): its
// `EntitySet subscriptions` of microsoft.graph.subscription is recognised by type, users get
// Graph's directory limit (41,760 minutes) and a user's messages Outlook's (4,230), and a user
// created, updated and deleted is notified with `#microsoft.graph.user`.

if (graphV1Missing) {
  t.plan(0, graphV1Missing);
} else {
  t.test('the whole Graph v1.0 metadata: subscribe to users, get created, updated and deleted', async (t) => {
    const receiver = await startReceiver(t);
    const client = await startServer(t, { services: [{ prefix: '/v1.0', metadataFile: GRAPH }], notifications: { batchWindowMs: 5, retryBackoffMs: 5 } });
    const inMinutes = (minutes: number): string => new Date(Date.now() + minutes * 60_000).toISOString();
    const body = { changeType: 'created,updated,deleted', notificationUrl: `${receiver.origin}/hook`, resource: '/users', expirationDateTime: inMinutes(600), clientState: 'state' };
    const tooLong = await client.post('/v1.0/subscriptions', { ...body, expirationDateTime: inMinutes(41_770) });
    assertODataError(t, tooLong, 400, 'ExtensionError');
    t.equal(tooLong.body.error.message, 'Subscription expiration can only be 41760 minutes in the future.');
    const created = await client.post('/v1.0/subscriptions', body);
    t.equal(created.status, 201);
    t.match(created.body, { '@odata.context': /\/v1\.0\/\$metadata#subscriptions\/\$entity$/, id: GUID, applicationId: GUID, creatorId: GUID, notificationUrl: body.notificationUrl });

    t.equal((await client.post('/v1.0/users', { id: 'u1', displayName: 'Adele', accountEnabled: true })).status, 201);
    await receiver.received(2);
    t.equal((await client.patch('/v1.0/users/u1', { jobTitle: 'Engineer' })).status, 204);
    await receiver.received(3);
    const messages = await client.post('/v1.0/subscriptions', { ...body, resource: 'users/u1/messages', expirationDateTime: inMinutes(4240) });
    assertODataError(t, messages, 400, 'ExtensionError');
    t.equal(messages.body.error.message, 'Subscription expiration can only be 4230 minutes in the future.');
    t.equal((await client.delete('/v1.0/users/u1')).status, 204);
    await receiver.received(4);
    t.same(receiver.notifications().map((r) => r.json.value.map((n: any) => [n.changeType, n.resource, n.resourceData['@odata.type'], n.subscriptionId])), [
      [['created', 'users/u1', '#microsoft.graph.user', created.body.id]],
      [['updated', 'users/u1', '#microsoft.graph.user', created.body.id]],
      [['deleted', 'users/u1', '#microsoft.graph.user', created.body.id]],
    ]);
  });
}
