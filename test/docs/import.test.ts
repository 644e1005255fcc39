import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { parseEdmx } from '../../src/edm/build-model.js';
import type { EdmModel } from '../../src/edm/model.js';
import { importPages } from '../../src/docs/import-pages.js';
import { readPages } from '../../src/docs/read-page.js';
import { formatImport, importDocs } from '../../src/docs/run-import.js';
import { writeEdmx } from '../../src/edm/write-edmx.js';
import { disagreeingPage } from '../helpers/docs-corpus.js';
import { CORPUS_DIR, corpusMissing } from '../helpers/paths.js';

// `edmock docs import`: the corpus reproduces the foundation metadata, merges keep what is there,
// conflicts are reported with both sources. The whole Graph metadata's round trip and the command
// line are in test/e2e.

const metadata = async (version: string) => parseEdmx(await readFile(`metadata/${version}.xml`, 'utf8'));

t.test('the EDMX writer round-trips the bundled metadata', async (t) => {
  for (const file of ['metadata/beta.xml', 'metadata/v1.0.xml']) {
    const model = parseEdmx(await readFile(file, 'utf8'));
    t.same(parseEdmx(writeEdmx(model)), model, file);
  }
});

t.test('with the docs corpus', { skip: corpusMissing }, async (t) => {
  t.test('importing the corpus into metadata/ changes nothing: the metadata already says all of it', async (t) => {
    const dir = t.testdir();
    await cp('metadata', dir, { recursive: true });
    const before = await readFile(path.join(dir, 'beta.xml'), 'utf8');
    const { metadata: results, permissions } = await importDocs([CORPUS_DIR], dir);
    t.same(permissions.map((p) => [p.version, p.written]), [['beta', false], ['v1.0', false]], 'the permissions file already holds what the pages say');
    t.same(results.map((r) => [r.version, r.changes, r.conflicts, r.written]), [['beta', [], [], false], ['v1.0', [], [], false]]);
    t.equal(await readFile(path.join(dir, 'beta.xml'), 'utf8'), before, 'the file keeps its exact text');
    for (const result of results) t.same(result.model, await metadata(result.version), `${result.version}: semantically equal`);
  });

  t.test('the import reports what it changes for clients of the current file; --check writes nothing', async (t) => {
    const dir = t.testdir();
    await cp('metadata', dir, { recursive: true });
    // The current beta file lacks a property the pages document: the import adds it back.
    const file = path.join(dir, 'beta.xml');
    const text = await readFile(file, 'utf8');
    const trimmed = text.replace(/(<EntityType Name="userAppInstallStatus"[^]*?)\s*<Property Name="userName" Type="Edm.String" \/>/, '$1');
    t.not(trimmed, text, 'the property was taken out');
    await writeFile(file, trimmed);
    const checked = await importDocs([CORPUS_DIR], dir, { check: true });
    const beta = checked.metadata.find((r) => r.version === 'beta');
    t.equal(beta?.written, false, '--check writes nothing');
    t.equal(await readFile(file, 'utf8'), trimmed);
    t.same(beta?.diff?.counts, { breaking: 0, compatible: 1, annotation: 0 });
    t.match(beta?.diff?.changes[0], { class: 'compatible', path: 'microsoft.graph.userAppInstallStatus/userName' });
    t.match(formatImport(checked), /for clients of the current file: 0 breaking, 1 compatible, 0 annotation \(1 change\)/);
    const written = await importDocs([CORPUS_DIR], dir);
    t.equal(written.metadata.find((r) => r.version === 'beta')?.written, true, 'without --check the file is written');
  });

  t.test('importing the corpus from nothing reproduces what metadata/ says of the pages', async (t) => {
    const results = importPages(await readPages([CORPUS_DIR]), () => undefined);
    t.same(results.map((r) => r.conflicts), [[], []], 'no conflicts: 003\'s "Enumeration" is matched to complianceStatus from 001');
    for (const result of results) {
      const expected: EdmModel = await metadata(result.version);
      for (const [name, type] of Object.entries(result.model.entityTypes)) {
        const reference = expected.entityTypes[name];
        t.ok(reference, `${result.version}: ${name} exists in metadata/`);
        if (!reference) continue;
        t.equal(type.baseType, reference.baseType, `${name}: base type`);
        for (const property of type.properties) {
          const known = reference.properties.find((p) => p.name === property.name);
          t.match(known, { type: property.type, collection: property.collection, nullable: property.nullable }, `${name}/${property.name}`);
        }
        for (const nav of type.navigationProperties) {
          const known = reference.navigationProperties.find((n) => n.name === nav.name);
          t.match(known, { type: nav.type, collection: nav.collection, containsTarget: nav.containsTarget }, `${name}/${nav.name}`);
        }
      }
      for (const [name, enumType] of Object.entries(result.model.enumTypes)) {
        t.same(enumType.members.map((m) => m.name), expected.enumTypes[name]?.members.map((m) => m.name), `${name}: members in page order`);
      }
    }
    const beta = results.find((r) => r.version === 'beta')!.model;
    t.equal(beta.entityTypes['microsoft.graph.iosLobAppProvisioningConfiguration']?.navigationProperties[0]?.containsTarget, false, 'the $ref page makes userStatuses non-containment');
  });

  t.test('a page that disagrees is reported with both sources, and the metadata wins', async (t) => {
    const dir = t.testdir();
    await cp('metadata', path.join(dir, 'metadata'), { recursive: true });
    await writeFile(path.join(dir, 'page.md'), await disagreeingPage());
    const { metadata: [result] } = await importDocs([path.join(dir, 'page.md')], path.join(dir, 'metadata'));
    t.match(result?.conflicts, [/managedDeviceMobileAppConfigurationUserStatus\/devicesCount: the metadata says 'Edm\.Int32', .*page\.md:50 says 'String'/]);
    t.match(result?.changes, [/added member quarantined=8 to microsoft\.graph\.complianceStatus/, /added property microsoft\.graph\.managedDeviceMobileAppConfigurationUserStatus\/deviceName: Edm\.String/]);
    t.equal(result?.written, true);
    const written = parseEdmx(await readFile(path.join(dir, 'metadata', 'v1.0.xml'), 'utf8'));
    const before = await metadata('v1.0');
    for (const [name, type] of Object.entries(before.entityTypes)) {
      for (const property of type.properties) t.match(written.entityTypes[name]?.properties.find((p) => p.name === property.name), { type: property.type, nullable: property.nullable }, `kept ${name}/${property.name}`);
    }
    t.equal(written.entityTypes['microsoft.graph.managedDeviceMobileAppConfigurationUserStatus']?.properties.find((p) => p.name === 'devicesCount')?.type, 'Edm.Int32', 'not retyped');
    t.equal(written.enumTypes['microsoft.graph.complianceStatus']?.members.at(-1)?.name, 'quarantined');
  });
});
