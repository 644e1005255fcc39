import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ODataService } from '../odata/service.js';
import { loadServiceFromEdmx } from '../mock/load-service.js';
import type { DocPage } from './page.js';

/** The API version of a page: from its example URLs (the only place pages state it). */
export function pageVersion(page: DocPage): string | undefined {
  return page.examples.find((e) => e.request.version !== undefined)?.request.version;
}

/** metadata/<version>.xml, each loaded once, on demand. */
export function servicesByVersion(metadataDir: string): (version: string) => Promise<ODataService | undefined> {
  const loaded = new Map<string, Promise<ODataService | undefined>>();
  return (version) => {
    let service = loaded.get(version);
    if (!service) {
      const file = path.join(metadataDir, `${version}.xml`);
      service = existsSync(file) ? loadServiceFromEdmx(file) : Promise.resolve(undefined);
      loaded.set(version, service);
    }
    return service;
  };
}
