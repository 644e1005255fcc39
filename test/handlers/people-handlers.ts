// Handlers of the people test service in TypeScript, typed by the generated entity types:
// a misspelt entity set or property name does not compile. Only types are imported, so the
// module loads without a second copy of edmock.
import type { Handlers } from '../../src/index.js';
import type { AuditEntry, Person } from './people-types.js';

const handlers: Handlers<{ People: Person; AuditLog: AuditEntry }> = {
  operations: {
    'Hooks.Test.Greeting': ({ binding }) => `Good day, ${(binding as Person).Name}`,
    Ages: ({ binding }) => (binding as Person[]).map((person) => person.Age * 2),
  },
  entitySets: {
    People: {
      beforeCreate(ctx) {
        if ((ctx.body.Age ?? 0) > 150) throw ctx.errors.badRequest('Nobody is that old.', 'Age');
        return { ...ctx.body, Name: (ctx.body.Name ?? '').toUpperCase() };
      },
      afterCreate(ctx) {
        ctx.store.create('AuditLog', { Id: `ts-${ctx.key}`, Message: `${ctx.entity.Name} joined` });
      },
      afterList(ctx) {
        return ctx.entities.map((person) => ({ ...person, Note: person.Note ?? 'listed' }));
      },
      beforeUpdate(ctx) {
        if (ctx.body.Age !== undefined && ctx.body.Age < ctx.entity.Age) throw ctx.errors.badRequest('Nobody gets younger.', 'Age');
      },
      afterUpdate(ctx) {
        const before = ctx.store.get('AuditLog', `ts-${ctx.key}`);
        ctx.store.update('AuditLog', `ts-${ctx.key}`, { Message: `${before?.Message ?? ''}; updated` });
      },
      afterDelete() {
        throw new TypeError('cannot read the hat of undefined');
      },
    },
  },
};

export default handlers;
