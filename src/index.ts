// edmock's public surface: the server factory and the types a caller needs with it.
export { createServer, bundledServices, DEFAULT_BODY_LIMIT } from './server/create-server.js';
export type { CreateServerOptions, MountedService, ServiceSource } from './server/create-server.js';
export { parseEdmx } from './edm/build-model.js';
export { EdmError } from './edm/edm-error.js';
export type * from './edm/model.js';
export { DEFAULT_NAMESPACE_ALIASES } from './odata/service.js';
