import type { ThrottleConfig, ThrottleCostInput, ThrottleRuleInput } from './throttle-rules.js';

// `--throttle graph`: the limits Microsoft Graph publishes in "Microsoft Graph service-specific
// throttling limits" (learn.microsoft.com/graph/throttling-limits, the page dated 2025-01-14),
// for the services edmock's bundled metadata is mostly about: the global limit, the Intune
// families and the identity and access (directory) service. Graph decides a family by the
// resource a request addresses; here each family is the paths (below the service root, either
// version) where its resources live. docs/throttling.md lists what is simplified.

export const GRAPH_PRESET_NAME = 'graph';
export const GRAPH_PRESET_SOURCE = 'preset graph: Microsoft Graph service-specific throttling limits, learn.microsoft.com/graph/throttling-limits (2025-01-14): global, Intune, identity and access (tenant size S)';

const WRITES = ['POST', 'PUT', 'DELETE', 'PATCH'];

/** A collection or single-valued resource and everything below it, keys in either spelling (`/x/{id}`, `/x('id')`). */
function under(...paths: string[]): string[] {
  return paths.flatMap((path) => [path, `${path}/**`, `${path}(**`]);
}

/** `/users/{id}/<rest>` in either key spelling. */
function keyed(collection: string, rest: string): string[] {
  return [`/${collection}/*/${rest}`, `/${collection}(*)/${rest}`];
}

/** Graph's rule: a `me/` cost applies to `users/{id | userPrincipalName}/` too. */
function meOrUser(rest: string): string[] {
  return [`/me/${rest}`, ...keyed('users', rest)];
}

interface IntuneLimits {
  /** POST, PUT, DELETE, PATCH in 20 seconds: per application per tenant, per tenant for all applications. */
  writes: [number, number];
  /** Any request in 20 seconds, likewise. */
  any: [number, number];
}

/** The four limits of one Intune family (each family's table: writes and any request, per app per tenant and per tenant). */
function intuneFamily(family: string, paths: string[], limits: IntuneLimits): ThrottleRuleInput[] {
  const name = `intune-${family}`;
  return [
    { name: `${name}/write/app+tenant`, paths, methods: WRITES, scope: 'app+tenant', limit: limits.writes[0], windowSeconds: 20 },
    { name: `${name}/write/tenant`, paths, methods: WRITES, scope: 'tenant', limit: limits.writes[1], windowSeconds: 20 },
    { name: `${name}/any/app+tenant`, paths, scope: 'app+tenant', limit: limits.any[0], windowSeconds: 20 },
    { name: `${name}/any/tenant`, paths, scope: 'tenant', limit: limits.any[1], windowSeconds: 20 },
  ];
}

const INTUNE_STANDARD: IntuneLimits = { writes: [100, 200], any: [1000, 2000] };
/** "Intune devices service limits": twice the others. */
const INTUNE_DEVICES: IntuneLimits = { writes: [200, 400], any: [2000, 4000] };

const dm = (...names: string[]) => names.map((n) => `/deviceManagement/${n}`);
const dam = (...names: string[]) => names.map((n) => `/deviceAppManagement/${n}`);

const INTUNE: ThrottleRuleInput[] = [
  ...intuneFamily('devices', [
    ...under(...dm('managedDevices', 'detectedApps', 'deviceManagementScripts', 'deviceHealthScripts', 'deviceShellScripts', 'deviceComplianceScripts',
      'deviceCustomAttributeShellScripts', 'remoteActionAudits', 'managedDeviceOverview', 'dataSharingConsents', 'comanagementEligibleDevices',
      'windowsMalwareInformation', 'applePushNotificationCertificate'), '/me/managedDevices', ...keyed('users', 'managedDevices')),
    '/deviceManagement/userExperienceAnalytics**',
  ], INTUNE_DEVICES),
  ...intuneFamily('applications', under(...dam('mobileApps', 'mobileAppCategories', 'mobileAppConfigurations', 'enterpriseCodeSigningCertificates',
    'iosLobAppProvisioningConfigurations', 'symantecCodeSigningCertificate')), INTUNE_STANDARD),
  ...intuneFamily('managed-applications', under(...dam('managedAppPolicies', 'managedAppRegistrations', 'managedAppStatuses', 'androidManagedAppProtections',
    'iosManagedAppProtections', 'defaultManagedAppProtections', 'targetedManagedAppConfigurations')), INTUNE_STANDARD),
  ...intuneFamily('device-configuration', ['/deviceManagement', ...under(...dm('deviceConfigurations', 'deviceCompliancePolicies',
    'deviceCompliancePolicyDeviceStateSummary', 'deviceCompliancePolicySettingStateSummaries', 'deviceConfigurationDeviceStateSummaries',
    'softwareUpdateStatusSummary', 'ndesConnectors', 'managedDeviceEncryptionStates'))], INTUNE_STANDARD),
  ...intuneFamily('device-enrollment', ['/deviceAppManagement', ...under(...dam('vppTokens'), ...dm('deviceCategories', 'deviceEnrollmentConfigurations',
    'deviceManagementPartners', 'exchangeConnectors', 'mobileThreatDefenseConnectors', 'complianceManagementPartners', 'conditionalAccessSettings'))], INTUNE_STANDARD),
  ...intuneFamily('rbac', under(...dm('roleDefinitions', 'roleAssignments', 'resourceOperations')), INTUNE_STANDARD),
  ...intuneFamily('auditing', under(...dm('auditEvents')), INTUNE_STANDARD),
];

/** Navigations of a user (or `me`) that are the directory's, not another service's (mail, calendars, Intune devices). */
const USER_DIRECTORY = ['memberOf', 'transitiveMemberOf', 'ownedObjects', 'ownedDevices', 'registeredDevices', 'licenseDetails', 'manager', 'directReports',
  'appRoleAssignments', 'oauth2PermissionGrants', 'createdObjects', 'checkMemberGroups', 'checkMemberObjects', 'getMemberGroups', 'getMemberObjects'];
const GROUP_DIRECTORY = ['members', 'transitiveMembers', 'owners', 'memberOf', 'transitiveMemberOf', 'settings', 'appRoleAssignments',
  'checkMemberGroups', 'checkMemberObjects', 'getMemberGroups', 'getMemberObjects'];

/** A collection's own URLs (the list, one item, `$count`, `delta()`) and the given navigations below an item. */
function directoryCollection(collection: string, navigations: string[]): string[] {
  return [`/${collection}`, `/${collection}/*`, `/${collection}(*)`, ...navigations.flatMap((nav) => keyed(collection, `${nav}**`))];
}

const DIRECTORY_PATHS = [
  ...directoryCollection('users', USER_DIRECTORY), '/me', ...USER_DIRECTORY.map((nav) => `/me/${nav}**`),
  ...directoryCollection('groups', GROUP_DIRECTORY),
  ...under('/applications', '/servicePrincipals', '/devices', '/directoryObjects', '/directoryRoles', '/directoryRoleTemplates', '/domains', '/organization',
    '/contacts', '/contracts', '/oauth2PermissionGrants', '/subscribedSkus', '/groupSettings', '/groupSettingTemplates',
    '/policies/homeRealmDiscoveryPolicies', '/policies/tokenIssuancePolicies', '/policies/tokenLifetimePolicies'),
  '/getObjectsById', '/isMemberOf',
];

/** "Base Resource Unit Cost" of the directory's table; any other request costs 1. */
const RESOURCE_UNIT_COSTS: ThrottleCostInput[] = [
  { methods: ['GET'], paths: ['/applications'], cost: 2 },
  { methods: ['GET'], paths: keyed('applications', 'extensionProperties'), cost: 2 },
  { methods: ['GET'], paths: ['/contracts'], cost: 3 },
  { methods: ['POST'], paths: ['/directoryObjects/getByIds', '/getObjectsById'], cost: 5 },
  { methods: ['GET'], paths: keyed('domains', 'domainNameReferences'), cost: 4 },
  { methods: ['GET'], paths: keyed('groups', 'members'), cost: 3 },
  { methods: ['GET'], paths: keyed('groups', 'transitiveMembers'), cost: 5 },
  { methods: ['POST'], paths: ['/isMemberOf', ...meOrUser('checkMemberGroups'), ...meOrUser('checkMemberObjects')], cost: 4 },
  { methods: ['POST'], paths: [...meOrUser('getMemberGroups'), ...meOrUser('getMemberObjects')], cost: 2 },
  { methods: ['GET'], paths: ['licenseDetails', 'memberOf', 'ownedObjects', 'transitiveMemberOf'].flatMap(meOrUser), cost: 2 },
  { methods: ['GET'], paths: ['/oauth2PermissionGrants', '/oauth2PermissionGrants/*', '/oauth2PermissionGrants(*)'], cost: 2 },
  { methods: ['GET'], paths: keyed('servicePrincipals', 'appRoleAssignments'), cost: 2 },
  { methods: ['GET'], paths: ['/subscribedSkus'], cost: 3 },
  { methods: ['GET'], paths: ['/users'], cost: 2 },
];

/** "Write Cost" 0: the POSTs of the table that only read. */
const WRITE_COSTS: ThrottleCostInput[] = [{
  methods: ['POST'],
  paths: ['/directoryObjects/getByIds', '/getObjectsById', '/isMemberOf', ...['checkMemberGroups', 'checkMemberObjects', 'getMemberGroups', 'getMemberObjects'].flatMap(meOrUser)],
  cost: 0,
}];

const DIRECTORY: ThrottleRuleInput[] = [
  // Tenant size S (under 50 users): M is 5,000 and L 8,000 ResourceUnits per 10 seconds.
  { name: 'directory/resource-units/app+tenant', paths: DIRECTORY_PATHS, scope: 'app+tenant', limit: 3500, windowSeconds: 10, costs: RESOURCE_UNIT_COSTS },
  { name: 'directory/resource-units/app', paths: DIRECTORY_PATHS, scope: 'app', limit: 150_000, windowSeconds: 20, costs: RESOURCE_UNIT_COSTS },
  { name: 'directory/write/app+tenant', paths: DIRECTORY_PATHS, methods: WRITES, scope: 'app+tenant', limit: 3000, windowSeconds: 150, costs: WRITE_COSTS },
  { name: 'directory/write/app', paths: DIRECTORY_PATHS, methods: WRITES, scope: 'app', limit: 35_000, windowSeconds: 300, costs: WRITE_COSTS },
  { name: 'directory/write/tenant', paths: DIRECTORY_PATHS, methods: WRITES, scope: 'tenant', limit: 18_000, windowSeconds: 300, costs: WRITE_COSTS },
];

export const GRAPH_THROTTLE_PRESET: ThrottleConfig = {
  source: GRAPH_PRESET_SOURCE,
  rules: [
    { name: 'graph/global/app', scope: 'app', limit: 130_000, windowSeconds: 10 },
    ...INTUNE,
    ...DIRECTORY,
  ],
};
