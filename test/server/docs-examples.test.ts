import { readFileSync } from 'node:fs';
import t from 'tap';
import { parseEdmx } from '../../src/edm/build-model.js';
import type { EdmModel, EdmProperty } from '../../src/edm/model.js';
import { readPageExamples } from '../helpers/docs-corpus.js';
import { corpusMissing } from '../helpers/paths.js';
import { APP_ID, assertODataError, CONFIG_ID, GUID, LOB_CONFIG_ID, startServer, USER_STATUS_ID } from '../helpers/server.js';

// Each reference page's example request, replayed against the default dataset: as written it
// is rejected wherever the page uses placeholders ("Integer", "String (timestamp)") for typed
// properties, exactly as the real service would; with valid values in their place it is created
// and answered in the documented shape.

if (corpusMissing) {
  t.plan(0, corpusMissing);
} else {
  const models: Record<string, EdmModel> = {
    beta: parseEdmx(readFileSync('metadata/beta.xml', 'utf8')),
    'v1.0': parseEdmx(readFileSync('metadata/v1.0.xml', 'utf8')),
  };
  const PATH_PARAMETERS: Record<string, string> = {
    '{mobileAppId}': APP_ID,
    '{managedDeviceMobileAppConfigurationId}': CONFIG_ID,
    '{iosLobAppProvisioningConfigurationId}': LOB_CONFIG_ID,
    '{userAppInstallStatusId}': USER_STATUS_ID,
  };
  const PLACEHOLDERS = new Set(['Integer', 'String', 'String (timestamp)']);

  /** A valid value for a property whose example value is a placeholder of the wrong type. */
  const validValue = (model: EdmModel, property: EdmProperty): unknown => {
    if (property.typeKind === 'enum') return model.enumTypes[property.type]?.members.at(-1)?.name;
    switch (property.type) {
      case 'Edm.Int32': return 3;
      case 'Edm.DateTimeOffset': return '2026-02-03T04:05:06Z';
      default: throw new Error(`no valid value for ${property.type}`);
    }
  };

  for (const page of readPageExamples()) {
    t.test(`${page.file}: ${page.method} /${page.version}${page.pathTemplate}`, async (t) => {
      const model = models[page.version];
      const canonicalType = `microsoft.graph.${String(page.requestBody['@odata.type']).split('.').pop()}`;
      const entityType = model.entityTypes[canonicalType];
      t.ok(entityType, `the page's type ${canonicalType} exists in ${page.version}`);
      if (!entityType) return;
      const properties = new Map(entityType.properties.map((p) => [p.name, p]));
      const url = `/${page.version}${page.pathTemplate.replace(/\{\w+\}/g, (p) => PATH_PARAMETERS[p] ?? p)}`;

      const placeholders = Object.entries(page.requestBody)
        .filter(([name, value]) => typeof value === 'string' && PLACEHOLDERS.has(value) && properties.get(name)?.type !== 'Edm.String')
        .map(([name]) => name);
      const client = await startServer(t);
      if (placeholders.length > 0) {
        const rejected = await client.post(url, page.requestBody);
        assertODataError(t, rejected, 400, 'BadRequest');
        t.same(rejected.body.error.details.map((d: { target: string }) => d.target).sort(), [...placeholders].sort(), 'one detail per placeholder');
      }

      const body = { ...page.requestBody };
      for (const name of placeholders) body[name] = validValue(model, properties.get(name)!);
      const created = await client.post(url, body);
      t.equal(created.status, page.responseStatus, `answers ${page.responseStatus}`);
      t.match(created.body.id, GUID, 'a server-assigned GUID id');
      // Location is canonical: keys in parentheses (URL Conventions §4.3.1).
      const canonicalCollection = url.replace(/\/([0-9a-f-]{36})(?=\/)/g, "('$1')");
      t.equal(created.headers.location, `http://localhost:80${canonicalCollection}('${created.body.id}')`, 'Location of the new entity');
      t.equal(created.body['@odata.type'], `#${canonicalType}`, 'the canonical type name, whatever namespace the page wrote');
      t.match(created.body['@odata.context'], new RegExp(`^http://localhost:80/${page.version.replace('.', '\\.')}/\\$metadata#deviceAppManagement/`));
      for (const property of entityType.properties) t.ok(Object.hasOwn(created.body, property.name), `returns ${property.name}`);
      for (const [name, documented] of Object.entries(page.responseBody)) {
        if (name.startsWith('@') || name === 'id') continue;
        t.ok(Object.hasOwn(created.body, name), `documented response property ${name} present`);
        if (!placeholders.includes(name)) t.same(created.body[name], documented, `${name} as documented`);
        else t.same(created.body[name], body[name], `${name} as sent`);
      }
      const read = await client.get(new URL(created.headers.location as string).pathname);
      t.equal(read.status, 200, 'the Location can be read back');
      t.same({ ...read.body, '@odata.context': undefined }, { ...created.body, '@odata.context': undefined });
    });
  }

  t.test('002: the second documented path, below a userAppInstallStatus, creates there too', async (t) => {
    const client = await startServer(t);
    const url = `/beta/deviceAppManagement/mobileApps/${APP_ID}/userStatuses/${USER_STATUS_ID}/deviceStatuses`;
    const created = await client.post(url, { deviceName: 'ADELE-PHONE', installState: 'failed', installStateDetail: 'seeInstallErrorCode', errorCode: -2016345060 });
    t.equal(created.status, 201);
    t.equal(created.body['@odata.type'], '#microsoft.graph.mobileAppInstallStatus');
    // resultantAppState has no member with value 0, so an omitted one takes the first member.
    t.equal(created.body.mobileAppInstallStatusValue, 'installed', 'omitted enum: the first member');
    t.equal(created.body.lastSyncDateTime, '0001-01-01T00:00:00Z', 'omitted DateTimeOffset: the zero value');
    t.equal(created.body.osVersion, null, 'omitted nullable string: null');
    const list = await client.get(url);
    t.same(list.body.value.map((e: { id: string }) => e.id), [created.body.id]);
  });
}
