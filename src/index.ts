// edmock's public surface: the mock server for tests, the lower-level server factory, and the
// types a caller needs with them. Generated entity types: `edmock/types/beta`, `edmock/types/v1.0`.
export { createMockServer } from './server/mock-server.js';
export type { FaultApi, Fixtures, JournalApi, MockServer, MockSession } from './server/mock-server.js';
export { createServer, bundledServices, DEFAULT_BODY_LIMIT, DEFAULT_JOURNAL_SIZE, DEFAULT_PAGE_SIZE } from './server/create-server.js';
export type { CreateServerOptions, MountedService, ServiceSource } from './server/create-server.js';
export type { LoadedFixture } from './server/fixtures.js';
export { SESSION_HEADER } from './toolkit/sessions.js';
export { FAULT_HEADER, FAULT_KINDS } from './toolkit/faults.js';
export type { FaultKind, FaultRule, FaultRuleInput } from './toolkit/faults.js';
export type { JournalEntry, JournalFilter } from './toolkit/journal.js';
export type { PermissionEntry, PermissionTable } from './toolkit/auth.js';
export { ADMIN_PREFIX } from './toolkit/toolkit.js';
export type { StoreSnapshot } from './store/memory-store.js';
export { parseEdmx } from './edm/build-model.js';
export { EdmError } from './edm/edm-error.js';
export type * from './edm/model.js';
export { DEFAULT_NAMESPACE_ALIASES } from './odata/service.js';
