// Handlers of the people test service in plain JavaScript, as `serve --handlers` loads them.

export default {
  operations: {
    'Hooks.Test.Greeting': ({ binding }) => `Hello, ${binding.Name}`,
    Ages: ({ binding }) => binding.map((person) => person.Age),
    Card: ({ binding }) => ({ Title: binding.Name, Lines: [`Age ${binding.Age}`] }),
    Forget: ({ binding, store }) => {
      store.delete('People', binding.Id);
    },
    Explode: () => {
      throw new Error('the fuse was lit');
    },
  },
  entitySets: {
    People: {
      beforeCreate(ctx) {
        if (ctx.body.Age < 18) throw ctx.errors.badRequest('People must be 18 or older.', 'Age');
        ctx.body.Note ??= `created in session '${ctx.session}'`;
      },
      afterCreate(ctx) {
        ctx.store.create('AuditLog', { Id: `created-${ctx.key}`, Message: `${ctx.entity.Name} joined` });
      },
      afterRead(ctx) {
        return { ...ctx.entity, Greeting: `Hello, ${ctx.entity.Name}` };
      },
      beforeDelete(ctx) {
        if (ctx.entity.Note === 'kept') throw ctx.errors.badRequest(`${ctx.key} is kept.`, 'Note');
      },
    },
    AuditLog: {
      // A promise is refused: handlers are synchronous.
      async afterRead() {},
    },
  },
};
