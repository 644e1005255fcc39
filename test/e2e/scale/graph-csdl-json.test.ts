import t from 'tap';
import { csdlJsonErrors } from '../../helpers/csdl-json-schema.js';
import { GRAPH_V1_METADATA as GRAPH, graphV1Missing } from '../../helpers/paths.js';
import { startServer } from '../../helpers/server.js';

// The whole Microsoft Graph v1.0 metadata as CSDL JSON, served and checked against the OASIS
// JSON Schema. Graph's metadata breaks three CSDL rules, and the schema finds exactly those:
// - an action and a function share a name (CSDL 4.01 §12: overloads are all actions or all functions);
const ACTION_FUNCTION_CLASHES = ['browse', 'count', 'delta', 'preview', 'search'];
// - terms whose AppliesTo names entity types where CSDL wants element kinds (`EntityType`, `Property`...);
const TERMS_APPLYING_TO_TYPES = ['changed', 'channelCreationMode', 'conflictBehavior', 'downloadUrl', 'legacyName', 'licenseRequired',
  'originalSourceMembershipUrl', 'sharedChanged', 'sourceUrl', 'teamCreationMode', 'temporaryId'];
// - property names that are not identifiers (`request-id`, `client-request-id`).
const HYPHENATED_PROPERTIES = ['InnerError'];

if (graphV1Missing) {
  t.plan(0, graphV1Missing);
} else {
  t.test('the whole Graph v1.0 metadata as CSDL JSON: converted, served, and valid but for its known defects', async (t) => {
    const client = await startServer(t, { services: [{ prefix: '/v1.0', metadataFile: GRAPH }] });
    const started = performance.now();
    const response = await client.get('/v1.0/$metadata?$format=json');
    t.comment(`first $metadata?$format=json (conversion included): ${Math.round(performance.now() - started)} ms, ${response.text.length} bytes`);
    t.equal(response.status, 200);
    t.equal(response.headers['content-type'], 'application/json');
    const { body } = response;
    t.equal(body.$Version, '4.0');
    t.equal(body.$EntityContainer, 'microsoft.graph.GraphService');
    const graph = body['microsoft.graph'];
    const schemas = Object.keys(body).filter((name) => !name.startsWith('$'));
    const entityTypes = schemas.flatMap((name) => Object.values(body[name])).filter((member: any) => member?.$Kind === 'EntityType');
    t.equal(entityTypes.length, 1182, 'every entity type, across every schema');
    t.match(graph.user, { $Kind: 'EntityType', $BaseType: 'graph.directoryObject', accountEnabled: { $Type: 'Edm.Boolean' } });
    const failing = new Set(csdlJsonErrors(body, Infinity).map((error) => error.split(' ')[0]?.split('/').slice(1, 3).join('/')));
    t.same([...failing].sort(), [...ACTION_FUNCTION_CLASHES, ...TERMS_APPLYING_TO_TYPES, ...HYPHENATED_PROPERTIES].map((name) => `microsoft.graph/${name}`).sort(),
      'the schema rejects only the elements that break CSDL');
    const again = performance.now();
    t.equal((await client.get('/v1.0/$metadata?$format=json')).headers.etag, response.headers.etag);
    t.ok(performance.now() - again < 1000, 'the second request sends the kept document');
  });
}
