import type { EntitySets as V1EntitySets } from '../../generated/v1.0/types.js';
import path from 'node:path';
import t from 'tap';
import { createMockServer, defineHandlers } from '../../src/index.js';
import { loadHandlersFile } from '../../src/mock/load-handlers.js';
import type { ServiceSource } from '../../src/mock/mock-state.js';
import { startServer, type Client, type TapTest } from '../helpers/server.js';
import { REPO_ROOT } from '../helpers/paths.js';
import type { Person } from './people-types.js';

// User handlers (docs/handlers.md): hooks around the CRUD of an entity set and answers of bound
// operations, from a JavaScript and a TypeScript module, and given in-process.

const HERE = path.join(REPO_ROOT, 'test', 'handlers');
/** The service root as inject's requests name it. */
const ROOT = 'http://localhost:80';
const PEOPLE: ServiceSource = { prefix: '', metadataFile: path.join(HERE, 'people.xml'), fixturesFile: path.join(HERE, 'people.json') };

async function serverWith(t: TapTest, file: string): Promise<Client> {
  return startServer(t, { services: [PEOPLE], handlers: await loadHandlersFile(path.join(HERE, file)) });
}

t.test('JavaScript handlers', async (t) => {
  const client = await serverWith(t, 'people-handlers.mjs');

  t.test('a before-create hook refuses with a catalog error, and nothing is stored', async (t) => {
    const refused = await client.post('/People', { Id: 'kid', Name: 'Kid', Age: 9 });
    t.equal(refused.status, 400);
    t.match(refused.body.error, { code: 'BadRequest', message: 'People must be 18 or older.', target: 'Age' });
    t.equal((await client.get("/People('kid')")).status, 404);
  });

  t.test('a before-create hook fills a property; an after-create hook writes a second entity through the store API', async (t) => {
    const created = await client.post('/People', { Id: 'bea', Name: 'Bea', Age: 30 });
    t.equal(created.status, 201);
    t.equal(created.body.Note, "created in session ''");
    const audit = await client.get('/AuditLog');
    t.same(audit.body.value.map((entry: { Id: string; Message: string }) => [entry.Id, entry.Message]), [['created-bea', 'Bea joined']]);
    const inSession = await client.post('/People', { Id: 'cy', Name: 'Cy', Age: 50 }, { 'x-edmock-session': 's1' });
    t.equal(inSession.body.Note, "created in session 's1'");
  });

  t.test('an after-read hook adds a property to the answer', async (t) => {
    const read = await client.get("/People('ada')");
    t.equal(read.status, 200);
    t.match(read.body, { '@odata.context': `${ROOT}/$metadata#People/$entity`, Id: 'ada', Name: 'Ada', Greeting: 'Hello, Ada' });
    // The answer changed, not the entity.
    const listed = await client.get("/People?$filter=Id eq 'ada'");
    t.notOk('Greeting' in listed.body.value[0]);
  });

  t.test('operation handlers answer with their result, shaped by the return type', async (t) => {
    const greeting = await client.get("/People('ada')/Hooks.Test.Greeting");
    t.equal(greeting.status, 200);
    t.same(greeting.body, { '@odata.context': `${ROOT}/$metadata#Edm.String`, value: 'Hello, Ada' });
    const card = await client.get("/People('alan')/Hooks.Test.Card");
    t.same(card.body, { '@odata.context': `${ROOT}/$metadata#Hooks.Test.Card`, Title: 'Alan', Lines: ['Age 41'] });
    const ages = await client.get('/People/Hooks.Test.Ages');
    t.same(ages.body, { '@odata.context': `${ROOT}/$metadata#Collection(Edm.Int32)`, value: [36, 41, 30] });
  });

  t.test('an action handler that returns nothing is a 204, and its store writes hold', async (t) => {
    const forgot = await client.post("/People('bea')/Hooks.Test.Forget", {});
    t.equal(forgot.status, 204);
    t.equal(forgot.text, '');
    t.equal((await client.get("/People('bea')")).status, 404);
  });

  t.test('a handler that throws a plain Error is a 500 naming it, and the server goes on answering', async (t) => {
    const failed = await client.post('/People/Hooks.Test.Explode', {});
    t.equal(failed.status, 500);
    t.match(failed.headers['content-type'], /^application\/json/);
    t.match(failed.body.error, { code: 'HandlerFailed', message: "The handler operations['Explode'] failed: the fuse was lit", target: "operations['Explode']" });
    t.equal((await client.get('/People')).status, 200);
  });

  t.test('a handler returning a promise is refused: handlers are synchronous', async (t) => {
    const failed = await client.get("/AuditLog('created-bea')");
    t.equal(failed.status, 500);
    t.match(failed.body.error, { code: 'HandlerFailed', message: /entitySets\.AuditLog\.afterRead failed: it returned a promise/ });
  });

  t.test('an operation without a handler gets edmock\'s own answer: 204 for an action returning nothing', async (t) => {
    const unanswered = await client.post('/People/Hooks.Test.Unanswered', {});
    t.equal(unanswered.status, 204);
  });

  t.test('a before-delete hook refuses with the entity as it is', async (t) => {
    const refused = await client.delete("/People('alan')");
    t.equal(refused.status, 400);
    t.equal(refused.body.error.message, 'alan is kept.');
    t.equal((await client.delete("/People('ada')")).status, 204);
  });
});

t.test('TypeScript handlers', async (t) => {
  const client = await serverWith(t, 'people-handlers.ts');

  t.test('before-create changes the body or refuses it; after-create writes through the store', async (t) => {
    const refused = await client.post('/People', { Id: 'bob', Name: 'Bob', Age: 200 });
    t.equal(refused.status, 400);
    t.equal(refused.body.error.message, 'Nobody is that old.');
    const created = await client.post('/People', { Id: 'bob', Name: 'Bob', Age: 20 });
    t.equal(created.status, 201);
    t.equal(created.body.Name, 'BOB');
    t.equal((await client.get("/AuditLog('ts-bob')")).body.Message, 'BOB joined');
  });

  t.test('after-list changes the page as answered', async (t) => {
    const listed = await client.get('/People?$select=Id,Note');
    t.same(listed.body.value.map((person: { Id: string; Note: string }) => [person.Id, person.Note]), [['ada', 'listed'], ['alan', 'kept'], ['bob', 'listed']]);
  });

  t.test('before-update sees the stored entity; after-update writes through the store', async (t) => {
    const refused = await client.patch("/People('bob')", { Age: 10 });
    t.equal(refused.status, 400);
    t.equal(refused.body.error.message, 'Nobody gets younger.');
    t.equal((await client.patch("/People('bob')", { Age: 21 })).status, 204);
    t.equal((await client.get("/People('bob')")).body.Age, 21);
    t.equal((await client.get("/AuditLog('ts-bob')")).body.Message, 'BOB joined; updated');
  });

  t.test('a hook that fails after the store changed undoes the change', async (t) => {
    const failed = await client.delete("/People('bob')");
    t.equal(failed.status, 500);
    t.match(failed.body.error, { code: 'HandlerFailed', message: 'The handler entitySets.People.afterDelete failed: cannot read the hat of undefined' });
    t.equal((await client.get("/People('bob')")).status, 200);
  });

  t.test('operations by qualified or simple name', async (t) => {
    t.equal((await client.get("/People('ada')/Hooks.Test.Greeting")).body.value, 'Good day, Ada');
    t.same((await client.get('/People/Hooks.Test.Ages')).body.value, [72, 82, 42]);
  });
});

t.test('createMockServer({ handlers }) takes the handlers in-process', async (t) => {
  const mock = await createMockServer({
    services: [PEOPLE],
    handlers: defineHandlers<{ People: Person }>({
      operations: { Greeting: ({ operation }) => operation.qualifiedName },
      entitySets: { People: { afterRead: ({ entity }) => ({ ...entity, Age: entity.Age + 1 }) } },
    }),
  });
  t.teardown(() => mock.close());
  const read = await mock.inject("/People('ada')");
  t.equal(read.statusCode, 200);
  t.equal(read.json().Age, 37);
  t.equal((await mock.inject("/People('ada')/Hooks.Test.Greeting")).json().value, 'Hooks.Test.Greeting');
});

t.test('a handler module of the wrong shape is refused when it is loaded', async (t) => {
  await t.rejects(createMockServer({ services: [PEOPLE], handlers: { entitySets: { People: { beforeCreat() {} } } } as never }), {
    message: /entitySets\.People\.beforeCreat is not a hook \(beforeCreate, /,
  });
  await t.rejects(createMockServer({ services: [PEOPLE], handlers: { operations: { Greeting: 'hello' } } as never }), {
    message: "handlers: operations['Greeting'] is not a function",
  });
});

t.test('handler results of the wrong shape for the return type are a 500 naming the handler', async (t) => {
  const client = await startServer(t, { services: [PEOPLE], handlers: { operations: { Ages: () => 42, Card: () => 'a card' } } });
  const ages = await client.get('/People/Hooks.Test.Ages');
  t.equal(ages.status, 500);
  t.equal(ages.body.error.message, "The handler operations['Ages'] failed: it returned a number; Hooks.Test.Ages returns Collection(Edm.Int32): an array");
  t.equal((await client.get("/People('ada')/Hooks.Test.Card")).body.error.code, 'HandlerFailed');
});

// Checked by the compiler, not at run time: the generated types name what a handler may use.
defineHandlers<{ People: Person }>({
  entitySets: {
    People: {
      beforeCreate: ({ body }) => {
        // @ts-expect-error Agee is not a property of Person
        if (body.Agee === 0) throw new Error('unreachable');
      },
    },
    // @ts-expect-error Peple is not an entity set of the map
    Peple: {},
  },
});

// The generated EntitySets map of a bundled service (generated/v1.0/types.ts) types a module the same way.
defineHandlers<V1EntitySets>({
  entitySets: {
    deviceAppManagement: {
      afterRead: ({ entity }) => {
        // @ts-expect-error isEnabledForMicrosoftStore is not a property of DeviceAppManagement
        if (entity.isEnabledForMicrosoftStore) throw new Error('unreachable');
        return { ...entity, isEnabledForMicrosoftStoreForBusiness: true };
      },
    },
    // @ts-expect-error mobileApps is contained, not an entity set of v1.0's container
    mobileApps: {},
  },
});
