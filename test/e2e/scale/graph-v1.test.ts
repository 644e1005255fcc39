import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { generate } from '../../../src/codegen/generate.js';
import { parseEdmx } from '../../../src/edm/build-model.js';
import { writeEdmx } from '../../../src/edm/write-edmx.js';
import { loadGeneratedService } from '../../../src/mock/load-service.js';
import { GRAPH_V1_METADATA as GRAPH, graphV1Missing } from '../../helpers/paths.js';
import { assertODataError, startServer } from '../../helpers/server.js';

// The whole Microsoft Graph v1.0 metadata (the shared graph-reference, 1,182 entity types):
// generated, served, written back as EDMX, and a sample checked end to end. Timings belong to
// `npm run bench`.

if (graphV1Missing) {
  t.plan(0, graphV1Missing);
} else {
  t.test('the EDMX writer round-trips the whole Graph v1.0 metadata', async (t) => {
    const model = parseEdmx(await readFile(GRAPH, 'utf8'));
    t.same(parseEdmx(writeEdmx(model)), model, 'written and read again, the same model');
  });

  t.test('edmock generate handles the whole file; the generated service loads', async (t) => {
    const dir = t.testdir();
    await mkdir(path.join(dir, 'metadata'));
    await copyFile(GRAPH, path.join(dir, 'metadata', 'graph.xml'));
    const result = await generate({ metadataDir: path.join(dir, 'metadata'), outDir: path.join(dir, 'generated') });
    t.same(result.services, ['graph']);
    t.same((await readdir(path.join(dir, 'generated', 'graph'))).sort(), ['metadata.json', 'metadata.xml', 'model.json', 'routes.mjs', 'schemas.json', 'types.ts', 'validators.mjs']);
    const service = await loadGeneratedService(path.join(dir, 'generated'), 'graph');
    t.equal(service.entityTypes.size, 1182);
    t.equal(Object.keys(service.model.complexTypes).length, 1780);
    t.equal(Object.keys(service.model.enumTypes).length, 861);
    t.equal(service.model.operations.length, 857 + 324);
  });

  t.test('a sample of the whole model, end to end', async (t) => {
    const client = await startServer(t, { services: [{ prefix: '/v1.0', metadataFile: GRAPH }] });

    const user = await client.post('/v1.0/users', { id: 'u1', displayName: 'Adele', accountEnabled: true, passwordProfile: { forceChangePasswordNextSignIn: true, password: 'x' } });
    t.equal(user.status, 201, 'create in an entity set');

    // Deep containment: user -> mailFolders -> messages -> attachments (a derived type into an abstract collection).
    t.equal((await client.post('/v1.0/users/u1/mailFolders', { id: 'inbox', displayName: 'Inbox' })).status, 201);
    t.equal((await client.post('/v1.0/users/u1/mailFolders/inbox/messages', { id: 'm1', subject: 'Hello' })).status, 201);
    const attachment = await client.post('/v1.0/users/u1/mailFolders/inbox/messages/m1/attachments', { '@odata.type': '#microsoft.graph.fileAttachment', id: 'a1', name: 'x.txt', contentBytes: 'aGVsbG8=' });
    t.equal(attachment.status, 201);
    t.equal(attachment.body['@odata.type'], '#microsoft.graph.fileAttachment');
    t.equal(attachment.body['@odata.context'], "http://localhost:80/v1.0/$metadata#users('u1')/mailFolders('inbox')/messages('m1')/attachments/$entity");
    const abstract = await client.post('/v1.0/users/u1/mailFolders/inbox/messages/m1/attachments', { name: 'y' });
    assertODataError(t, abstract, 400, 'BadRequest');
    t.match(abstract.body.error.message, /'microsoft\.graph\.attachment' is abstract.*#microsoft\.graph\.fileAttachment/);
    t.equal((await client.get('/v1.0/users/u1/mailFolders/inbox/messages/m1/attachments/a1')).body.name, 'x.txt');

    // A complex property with a bad Boolean: the detail targets the nested property.
    const bad = await client.post('/v1.0/users', { displayName: 'B', passwordProfile: { forceChangePasswordNextSignIn: 'yes' } });
    assertODataError(t, bad, 400, 'BadRequest');
    t.equal(bad.body.error.details[0]?.target, 'passwordProfile/forceChangePasswordNextSignIn');
    t.match(bad.body.error.details[0]?.message, /'yes' to the expected type 'Edm\.Boolean'/);

    // An open type keeps dynamic properties.
    const event = await client.post('/v1.0/users/u1/events', { id: 'e1', subject: 'Sync', 'contoso.room': { floor: 3 } });
    t.equal(event.status, 201);
    t.same((await client.get('/v1.0/users/u1/events/e1?$select=subject,contoso.room')).body['contoso.room'], { floor: 3 });
    assertODataError(t, await client.post('/v1.0/users/u1/mailFolders', { id: 'f2', colour: 'red' }), 400, 'BadRequest');

    // A flags enum: comma-separated members, checked member by member.
    const policies = '/v1.0/policies/authenticationStrengthPolicies';
    const policy = await client.post(policies, { id: 'p1', displayName: 'Strong', allowedCombinations: ['password,sms', 'fido2'], requirementsSatisfied: 'mfa' });
    t.equal(policy.status, 201);
    t.same(policy.body.allowedCombinations, ['password,sms', 'fido2']);
    assertODataError(t, await client.post(policies, { id: 'p2', displayName: 'x', allowedCombinations: ['password,carrierPigeon'] }), 400, 'BadRequest');

    // Actions and functions answer: Edm.Boolean actions true (Graph's success), entity results from the store.
    const revoked = await client.post('/v1.0/users/u1/revokeSignInSessions', undefined);
    t.equal(revoked.status, 200);
    t.equal(revoked.body.value, true);
    const assigned = await client.post('/v1.0/users/u1/assignLicense', { addLicenses: [], removeLicenses: [] });
    t.equal(assigned.status, 200, 'assignLicense returns the user');
    t.equal(assigned.body.id, 'u1');
    const noLicenses = await client.post('/v1.0/users/u1/assignLicense', { addLicenses: [] });
    assertODataError(t, noLicenses, 400, 'BadRequest');
    t.equal(noLicenses.body.error.target, 'removeLicenses');
    const delta = await client.get('/v1.0/users/delta()?$select=displayName');
    t.equal(delta.status, 200, 'a composable function with query options');
    t.same(delta.body.value.map((u: { displayName: string }) => u.displayName), ['Adele']);
    assertODataError(t, await client.get('/v1.0/users/u1/assignLicense'), 405, 'MethodNotAllowed');

    // Every user, group, device, ... is also a directoryObject (entity set views): Graph's
    // add-member request names the member through directoryObjects.
    t.equal((await client.post('/v1.0/groups', { id: 'g1', displayName: 'Ops', mailEnabled: false, mailNickname: 'ops', securityEnabled: true })).status, 201);
    t.equal((await client.get('/v1.0/directoryObjects/u1')).body['@odata.type'], '#microsoft.graph.user');
    const member = await client.post('/v1.0/groups/g1/members/$ref', { '@odata.id': 'https://graph.microsoft.com/v1.0/directoryObjects/u1' });
    t.equal(member.status, 204, 'POST groups/{id}/members/$ref with a directoryObjects @odata.id');
    t.same((await client.get('/v1.0/groups/g1/members')).body.value.map((m: { id: string }) => m.id), ['u1']);
    t.equal((await client.get('/v1.0/directoryObjects/$count')).text, '2');

    // A keyless singleton type and a service document with every entity set and singleton.
    t.equal((await client.get('/v1.0/admin')).status, 200);
    const root = await client.get('/v1.0/');
    t.equal(root.body.value.length, 40 + 30);
  });
}
