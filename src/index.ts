// edmock's public surface: the mock server for tests, the lower-level server factory, and the
// types a caller needs with them. Generated entity types: `edmock/types/beta`, `edmock/types/v1.0`.
export { createMockServer } from './server/mock-server.js';
export type { FaultApi, Fixtures, JournalApi, MockServer, MockSession } from './server/mock-server.js';
export { createServer, DEFAULT_BODY_LIMIT } from './server/create-server.js';
export type { CreateServerOptions } from './server/create-server.js';
export { ADMIN_PREFIX, bundledServices, DEFAULT_JOURNAL_SIZE, DEFAULT_PAGE_SIZE } from './mock/create-mock.js';
export type { MockOptions } from './mock/create-mock.js';
export type { MountedService, ServiceSource } from './mock/mock-state.js';
export type { LoadedFixture } from './mock/seed-data.js';
export { SESSION_HEADER } from './toolkit/sessions.js';
export { FAULT_HEADER, FAULT_KINDS } from './toolkit/faults.js';
export type { FaultKind, FaultRule, FaultRuleInput } from './toolkit/faults.js';
export type { ThrottleConfig, ThrottleCostInput, ThrottleRuleInput, ThrottleScope } from './toolkit/throttle-rules.js';
export { GRAPH_THROTTLE_PRESET } from './toolkit/throttle-preset.js';
export type { JournalEntry, JournalFilter } from './toolkit/journal.js';
export type { PermissionEntry, PermissionTable } from './toolkit/auth.js';
export type { StoreSnapshot } from './store/memory-store.js';
export { parseEdmx } from './edm/build-model.js';
export { EdmError } from './edm/edm-error.js';
export type * from './edm/model.js';
export { DEFAULT_NAMESPACE_ALIASES } from './odata/service.js';
export { DEFAULT_ENTITY_SET_VIEWS, type EntitySetViews } from './odata/entity-set-views.js';
export { defineHandlers } from './odata/handlers/user-handlers.js';
export type {
  AfterListContext, AnyEntity, Answered, BeforeCreateContext, BeforeReadContext, BeforeUpdateContext, EntityHookContext, EntitySetContext,
  EntitySetHooks, EntitySetTypes, HandlerContext, Handlers, HandlerStore, OperationContext, OperationHandlerFunction, SomeHandlers,
} from './odata/handlers/user-handlers.js';
export type { ODataError } from './odata/errors.js';
