import { BETA_APP, BETA_CONFIG, BETA_LOB } from '../helpers/server.js';
import type { Vocabulary } from './expressions.js';

// What the generators need to know of the bundled beta service: where to write and a valid
// entity for each place, and the properties of two collections for query options. Shared by the
// fuzz suite and bench/hostile.mjs.

/** A write: method, URL, and a valid body for it. */
export type Write = [string, string, Record<string, unknown>];

const APPS = '/beta/deviceAppManagement/mobileApps';

/** Where to write, and a valid entity for it: the bundled beta types. */
export const BUNDLED_WRITES: Write[] = [
  ['POST', APPS, { '@odata.type': '#microsoft.graph.webApp', displayName: 'x', appUrl: 'https://x.example', publishingState: 'published', isFeatured: false, largeIcon: { type: 'image/png', value: 'AAEC' } }],
  ['PATCH', BETA_APP, { '@odata.type': '#microsoft.graph.webApp', displayName: 'y', useManagedBrowser: true }],
  ['POST', '/beta/deviceAppManagement/mobileAppConfigurations', { '@odata.type': '#microsoft.graph.iosMobileAppConfiguration', displayName: 'c', version: 1, targetedMobileApps: ['a'], encodedSettingXml: 'PHg+' }],
  ['PATCH', BETA_CONFIG, { displayName: 'd', version: 2 }],
  ['POST', '/beta/deviceAppManagement/iosLobAppProvisioningConfigurations', { displayName: 'p', version: 1, payload: 'AAEC', roleScopeTagIds: ['0'], expirationDateTime: '2027-01-01T00:00:00Z' }],
  ['PATCH', BETA_LOB, { payloadFileName: 'f', version: 3 }],
  ['POST', `${BETA_APP}/userStatuses`, { userName: 'u', installedDeviceCount: 1, failedDeviceCount: 0, notInstalledDeviceCount: 0 }],
  ['POST', `${BETA_APP}/deviceStatuses`, { deviceName: 'd', lastSyncDateTime: '2026-01-01T00:00:00Z', installState: 'installed', mobileAppInstallStatusValue: 'failed', installStateDetail: 'noAdditionalDetails', errorCode: 0 }],
  ['POST', `${BETA_CONFIG}/userStatuses`, { userDisplayName: 'u', devicesCount: 2, status: 'compliant', lastReportedDateTime: '2026-01-01T00:00:00Z' }],
  ['POST', '/beta/deviceAppManagement/mobileAppCategories', { displayName: 'cat' }],
  ['PATCH', '/beta/deviceAppManagement', { isEnabledForMicrosoftStoreForBusiness: true, microsoftStoreForBusinessLanguage: 'en' }],
  ['PUT', BETA_CONFIG, { '@odata.type': '#microsoft.graph.iosMobileAppConfiguration', displayName: 'e', version: 4 }],
];

export const DEVICE_STATUSES: Vocabulary = {
  properties: ['id', 'deviceName', 'deviceId', 'lastSyncDateTime', 'mobileAppInstallStatusValue', 'installState', 'installStateDetail', 'errorCode',
    'osVersion', 'userName', 'displayVersion'],
  typed: {
    string: ['id', 'deviceName', 'deviceId', 'osVersion', 'userName', 'displayVersion'], number: ['errorCode'], date: ['lastSyncDateTime'],
    'microsoft.graph.resultantAppState': ['installState', 'mobileAppInstallStatusValue'], 'microsoft.graph.resultantAppStateDetail': ['installStateDetail'],
  },
  collections: [],
  navigations: ['app'],
};

export const MOBILE_APPS: Vocabulary = {
  properties: ['id', 'displayName', 'publisher', 'isFeatured', 'createdDateTime', 'publishingState', 'largeIcon/type', 'largeIcon/value',
    'microsoft.graph.webApp/appUrl', 'microsoft.graph.webApp/useManagedBrowser'],
  typed: {
    string: ['id', 'displayName', 'publisher', 'largeIcon/type', 'microsoft.graph.webApp/appUrl'], date: ['createdDateTime'], bool: ['isFeatured'],
    'microsoft.graph.mobileAppPublishingState': ['publishingState'],
  },
  collections: [['categories', '/displayName'], ['userStatuses', '/installedDeviceCount'], ['deviceStatuses', '/errorCode']],
  navigations: ['categories', 'userStatuses', 'deviceStatuses'],
};

export const COLLECTIONS: [string, Vocabulary][] = [[`${BETA_APP}/deviceStatuses`, DEVICE_STATUSES], [APPS, MOBILE_APPS]];
