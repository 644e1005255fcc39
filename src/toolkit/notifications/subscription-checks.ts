import { networkInterfaces } from 'node:os';
import { odataErrors } from '../../odata/errors.js';
import type { WatchedResource } from '../../odata/subscriptions.js';
import { maxExpirationMinutes, type ResolvedNotificationOptions } from './options.js';

// The rules Graph applies to a subscription before it sends the validation request, with Graph's
// wordings where they are known: "expirationDateTime is a required property for subscription
// creation.", "Invalid 'changeType' attribute: 'x'.", "NotificationUrl scheme='http' is not
// supported." and "Subscription expiration can only be 4230 minutes in the future." (ExtensionError)
// are answers Graph gave (microsoft-graph-docs issues #4092, #4819, #2751, #2988). For an
// expirationDateTime in the past, a clientState over 128 characters (the subscription resource's
// documented maximum) and a host that is not this machine, Graph's exact wording is not
// documented: the messages are edmock's, the code Graph's InvalidRequest.

export const CHANGE_TYPES = new Set(['created', 'updated', 'deleted']);
const MAX_CLIENT_STATE = 128;

/** A subscription's properties as edmock acts on them. */
export interface SubscriptionTerms {
  changeTypes: Set<string>;
  notificationUrl: URL;
  lifecycleNotificationUrl: URL | undefined;
  expiration: number;
}

const invalid = odataErrors.subscriptionInvalid;

function required(properties: Record<string, unknown>, name: string): string {
  const value = properties[name];
  if (value === undefined || value === null || value === '') throw invalid(`${name} is a required property for subscription creation.`, name);
  if (typeof value !== 'string') throw invalid(`${name} must be a string.`, name);
  return value;
}

export function changeTypesOf(value: string): Set<string> {
  const types = value.split(',').map((type) => type.trim());
  const wrong = types.find((type) => !CHANGE_TYPES.has(type));
  if (wrong !== undefined) throw invalid(`Invalid 'changeType' attribute: '${wrong}'.`, 'changeType');
  return new Set(types);
}

/**
 * Graph requires https; edmock also takes http, since the receiver of a test runs on the test's
 * machine without a certificate. Other hosts are refused: a mock that posted anywhere it is told
 * to would be a way to make requests from inside a network.
 */
export function endpointOf(value: string, name: 'notificationUrl' | 'lifecycleNotificationUrl'): URL {
  const label = name === 'notificationUrl' ? 'NotificationUrl' : 'LifecycleNotificationUrl';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`${label} '${value}' is not an absolute URL.`, name);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid(`${label} scheme='${url.protocol.slice(0, -1)}' is not supported.`, name);
  if (!isThisMachine(url.hostname)) throw invalid(`${label} host='${url.hostname}' is not this machine: edmock sends notifications only to endpoints on the machine it runs on.`, name);
  return url;
}

function isThisMachine(hostname: string): boolean {
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)) return true;
  return Object.values(networkInterfaces()).some((addresses) => addresses?.some((a) => a.address === host));
}

/** The expiration as a time, within (now, now + the resource type's maximum]. */
export function expirationOf(value: string, watched: WatchedResource, options: ResolvedNotificationOptions, now = Date.now()): number {
  const time = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) throw invalid(`expirationDateTime '${value}' is not a date and time with an offset.`, 'expirationDateTime');
  if (time <= now) throw invalid('Subscription expiration must be in the future.', 'expirationDateTime');
  const minutes = maxExpirationMinutes(options, watched.types);
  if (time > now + minutes * 60_000) throw odataErrors.subscriptionExpirationTooFar(minutes);
  return time;
}

/** The checks of a whole subscription (a create, or a stored one merged with an update). */
export function termsOf(properties: Record<string, unknown>, watched: WatchedResource, options: ResolvedNotificationOptions): SubscriptionTerms {
  required(properties, 'resource');
  const changeTypes = changeTypesOf(required(properties, 'changeType'));
  const notificationUrl = endpointOf(required(properties, 'notificationUrl'), 'notificationUrl');
  const lifecycle = properties.lifecycleNotificationUrl;
  if (lifecycle !== undefined && lifecycle !== null && typeof lifecycle !== 'string') throw invalid('lifecycleNotificationUrl must be a string.', 'lifecycleNotificationUrl');
  const lifecycleNotificationUrl = typeof lifecycle === 'string' ? endpointOf(lifecycle, 'lifecycleNotificationUrl') : undefined;
  const expiration = expirationOf(required(properties, 'expirationDateTime'), watched, options);
  const clientState = properties.clientState;
  if (typeof clientState === 'string' && clientState.length > MAX_CLIENT_STATE) throw invalid(`clientState is longer than ${MAX_CLIENT_STATE} characters.`, 'clientState');
  if (properties.includeResourceData === true) throw odataErrors.unsupportedFeature('Resource data in change notifications (includeResourceData)', 'includeResourceData');
  return { changeTypes, notificationUrl, lifecycleNotificationUrl, expiration };
}
