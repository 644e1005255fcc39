import fc from 'fast-check';
import { APP_ID, CONFIG_ID, LOB_CONFIG_ID, USER_STATUS_ID } from '../helpers/server.js';

// Generators of what a client puts in a URL for the bundled services: mostly names the model
// knows (so that inputs get past the first segment), mixed with near misses and noise.

/** Printable ASCII a request line can carry, without the fragment mark. */
const URL_CHARS = [...Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i))].filter((c) => c !== '#');
export const urlNoise = fc.string({ unit: fc.constantFrom(...URL_CHARS), maxLength: 24 });

/** Percent-encodings, good and bad: bytes, broken UTF-8, a lone `%`, encoded slashes. */
export const percentEncoding = fc.oneof(
  fc.integer({ min: 0, max: 255 }).map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`),
  fc.constantFrom('%', '%G1', '%2', '%C3', '%C3%28', '%E2%82', '%F0%9F%98%80', '%ED%A0%80', '%00', '%2F', '%2f', '%25', '%27', '%28', '%29', '%3D', '%2C'),
  fc.string({ maxLength: 6 }).map(encodeURIComponent),
);

const SEGMENT_NAMES = [
  'deviceAppManagement', 'mobileApps', 'mobileAppConfigurations', 'mobileAppCategories', 'iosLobAppProvisioningConfigurations',
  'userStatuses', 'deviceStatuses', 'categories', 'app', 'displayName', 'largeIcon', 'roleScopeTagIds', 'payload', 'version',
  'microsoft.graph.webApp', 'microsoft.graph.iosMobileAppConfiguration', 'microsoft.graph.mobileApp', 'graph.webApp',
  '$count', '$ref', '$value', '$metadata', '$batch', '$all', '$crossjoin', '$entity', '$filter', '$each', '$query',
  'DeviceAppManagement', 'MOBILEAPPS', '', '.', '..', '_edmock', 'journal', 'faults', 'dump', 'reset', 'fixtures', 'sessions',
];

const KNOWN_IDS = [APP_ID, CONFIG_ID, LOB_CONFIG_ID, USER_STATUS_ID, '66666666-6666-4666-8666-666666666666'];

const keyValue = fc.oneof(
  fc.constantFrom(...KNOWN_IDS),
  fc.constantFrom(...KNOWN_IDS).map((id) => `'${id}'`),
  fc.constantFrom(...KNOWN_IDS).map((id) => `id='${id}'`),
  fc.constantFrom("''", "'''", "'a''b'", "'", 'id=', '=', ',', "id='a',id='b'", "id='a',x=1", '1', '-0', '1e400', 'null', 'true',
    "'\u00e9'", '9223372036854775808', "'%27'", '(', ')', "'a'b'"),
  urlNoise,
  fc.array(percentEncoding, { maxLength: 4 }).map((parts) => parts.join('')),
);

/** One path segment: a model name, a key in parentheses after one, or noise. */
export const segment = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...SEGMENT_NAMES) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...SEGMENT_NAMES), keyValue).map(([name, key]) => `${name}(${key})`) },
  { weight: 2, arbitrary: fc.constantFrom(...KNOWN_IDS) },
  { weight: 1, arbitrary: keyValue },
  { weight: 1, arbitrary: fc.array(fc.oneof(urlNoise, percentEncoding), { minLength: 1, maxLength: 3 }).map((p) => p.join('')) },
);

export const servicePrefix = fc.constantFrom('/beta', '/v1.0', '/beta/', '/BETA', '', '/_edmock', '/beta/deviceAppManagement');

/** A path of up to `maxSegments` generated segments under a prefix. */
export const path = (maxSegments = 6) =>
  fc.tuple(servicePrefix, fc.array(segment, { maxLength: maxSegments })).map(([prefix, segments]) => `${prefix}/${segments.join('/')}`);

const QUERY_NAMES = ['$filter', '$select', '$expand', '$orderby', '$top', '$skip', '$count', '$search', '$format', '$skiptoken',
  '$apply', '$compute', '$levels', '$id', '$schemaversion', '@p1', 'filter', '$FILTER', '$', 'x'];

/** A query string: known option names or noise, with noisy values. */
export const queryString = fc.array(
  fc.tuple(fc.oneof(fc.constantFrom(...QUERY_NAMES), urlNoise), fc.oneof(urlNoise, percentEncoding, fc.constantFrom('', 'true', '1', '-1', 'json', 'xml'))),
  { maxLength: 3 },
).map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`));

export const method = fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'DELETE', 'PATCH', 'PUT', 'POST', 'OPTIONS', 'PROPFIND', 'QUERY');
