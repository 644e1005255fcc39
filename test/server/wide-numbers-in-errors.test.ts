import t from 'tap';
import { assertODataError, BETA_APP, startServer } from '../helpers/server.js';

// An integer beyond 2^53 where the model expects something else is a 400 that quotes it, not a
// 500: error messages write the value sent, and JSON.stringify alone cannot write such a number.

const APPS = '/beta/deviceAppManagement/mobileApps';

t.test('a wide integer inside a value of the wrong type is a validation error quoting it', async (t) => {
  const client = await startServer(t);
  for (const displayName of ['[9007199254740993]', '{"a":9007199254740993}', '{"":{"":123456789012345678901234567890}}']) {
    const response = await client.post(APPS, `{"@odata.type":"#microsoft.graph.webApp","displayName":${displayName}}`);
    assertODataError(t, response, 400, 'BadRequest');
    t.equal(response.body.error.target, 'displayName');
    t.equal(response.body.error.message, `Cannot convert the literal '${displayName}' to the expected type 'Edm.String'.`, 'the value as sent');
  }
});

t.test('a wide integer sent for a key property is a key mismatch quoting it', async (t) => {
  const client = await startServer(t);
  for (const id of ['9007199254740993', '[9007199254740993]']) {
    const response = await client.patch(BETA_APP, `{"id":${id}}`);
    assertODataError(t, response, 400, 'BadRequest');
    t.equal(response.body.error.target, 'id');
    t.match(response.body.error.message, `The key property 'id' in the body (${id}) does not match the key in the URL`);
  }
});
