import Fastify from 'fastify';
import t from 'tap';
import { breach, send, type Answer } from './harness.js';

// The verdict every fuzz input must pass, checked on answers made for the purpose: a property
// whose verdict let a 500 or a stalled request through would pass whatever the server does.

const JSON_TYPE = { 'content-type': 'application/json' };
const error = (status: number, code: string, headers: Answer['headers'] = JSON_TYPE): Answer =>
  ({ status, headers, text: JSON.stringify({ error: { code, message: 'm', target: null, details: [] } }) });

t.test('the verdict', async (t) => {
  t.equal(breach({ status: 200, headers: JSON_TYPE, text: '{}' }), undefined, 'a 2xx');
  t.equal(breach({ status: 304, headers: {}, text: '' }), undefined, 'a 304');
  t.equal(breach(error(404, 'ResourceNotFound')), undefined, 'a catalog 404');
  t.equal(breach(error(501, 'NotImplemented')), undefined, 'the catalog 501 for forms not implemented');
  t.equal(breach({ status: 404, headers: {}, text: '' }, 'HEAD'), undefined, 'a HEAD error has no body');
  t.match(breach(error(500, 'InternalServerError')), /^500 InternalServerError/, 'a 500 of the catalog is still a 5xx');
  t.match(breach({ status: 500, headers: {}, text: '' }, 'HEAD'), /HEAD answered 500/);
  t.match(breach(error(404, 'NotFound')), /no entry of the error catalog/, 'a code the catalog does not pair with the status');
  t.match(breach(error(418, 'BadRequest')), /no entry of the error catalog/);
  t.match(breach({ status: 400, headers: {}, text: '' }), /not JSON/, "Node's empty 400");
  t.match(breach({ status: 400, headers: JSON_TYPE, text: '{"message":"x"}' }), /without an OData error body/);
  t.match(breach(error(400, 'BadRequest', { 'content-type': 'text/plain' })), /Content-Type text\/plain/);
  t.match(breach('hang'), /no answer within/);
  t.match(breach('reset'), /reset/);
});

t.test('a request that gets no answer is a hang, not a wait', async (t) => {
  const app = Fastify();
  app.get('/never', () => new Promise(() => undefined));
  t.teardown(() => app.close());
  const started = Date.now();
  t.equal(await send(app, { method: 'GET', url: '/never' }, 200), 'hang');
  t.ok(Date.now() - started < 2_000, 'the deadline holds');
});
