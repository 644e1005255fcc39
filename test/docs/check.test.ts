import { readFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { checkPage } from '../../src/docs/check-pages.js';
import { readPage } from '../../src/docs/read-page.js';
import { checkDocs, formatFindings } from '../../src/docs/run-check.js';
import { loadServiceFromEdmx } from '../../src/mock/load-service.js';
import { CORPUS_DIR, corpusMissing } from '../helpers/paths.js';

// `edmock docs check` on the corpus reports every real defect of the pages and nothing else: the
// exact findings are pinned here, each one checked by hand against the page. The command line's
// output and exit codes are in test/e2e.

const EXPECTED: Record<string, string[]> = {
  '000_4c478914accb00e4.txt': [
    "4 warning todo: placeholder text left on the page: \"TODO: Provide Github Name.\"",
    "6 warning todo: placeholder text left on the page: \"TODO: Add MS prod.\"",
    "20 warning todo: placeholder text left on the page: \"TODO: Provide applicable permissions.\"",
    "21 warning todo: placeholder text left on the page: \"TODO: Provide applicable permissions.\"",
    "22 warning todo: placeholder text left on the page: \"TODO: Provide applicable permissions.\"",
    "73 error foreign-namespace: the example request @odata.type names '#microsoft.management.services.api.userAppInstallStatus': 'microsoft.management.services.api' is not a namespace of the metadata (microsoft.graph)",
    "73 error placeholder-value: the example request: property 'installedDeviceCount' has the placeholder \"Integer\" where 'Edm.Int32' is expected",
    "73 error placeholder-value: the example request: property 'failedDeviceCount' has the placeholder \"Integer\" where 'Edm.Int32' is expected",
    "73 error placeholder-value: the example request: property 'notInstalledDeviceCount' has the placeholder \"Integer\" where 'Edm.Int32' is expected",
    "86 error foreign-namespace: the response annotation @odata.type names 'microsoft.management.services.api.userAppInstallStatus': 'microsoft.management.services.api' is not a namespace of the metadata (microsoft.graph)",
    "96 error foreign-namespace: the example response @odata.type names '#microsoft.management.services.api.userAppInstallStatus': 'microsoft.management.services.api' is not a namespace of the metadata (microsoft.graph)",
    "96 error placeholder-value: the example response: property 'installedDeviceCount' has the placeholder \"Integer\" where 'Edm.Int32' is expected",
    "96 error placeholder-value: the example response: property 'failedDeviceCount' has the placeholder \"Integer\" where 'Edm.Int32' is expected",
    "96 error placeholder-value: the example response: property 'notInstalledDeviceCount' has the placeholder \"Integer\" where 'Edm.Int32' is expected",
  ],
  '001_8b2e5b793cf2cf7e.txt': [
    "4 warning todo: placeholder text left on the page: \"TODO: Provide Github Name.\"",
    "6 warning todo: placeholder text left on the page: \"TODO: Add MS prod.\"",
    "21 warning todo: placeholder text left on the page: \"TODO: Provide applicable permissions.\"",
    "22 warning todo: placeholder text left on the page: \"TODO: Provide applicable permissions.\"",
    "23 warning todo: placeholder text left on the page: \"TODO: Provide applicable permissions.\"",
    "48 warning todo: placeholder text left on the page: \"TODO: Add Description\"",
    "49 warning todo: placeholder text left on the page: \"TODO: Add Description\"",
    "50 warning todo: placeholder text left on the page: \"TODO: Add Description\"",
    "51 warning todo: placeholder text left on the page: \"TODO: Add Description\"",
    "52 warning todo: placeholder text left on the page: \"TODO: Add Description\"",
    "53 warning todo: placeholder text left on the page: \"TODO: Add Description\"",
    "74 error placeholder-value: the example request: property 'devicesCount' has the placeholder \"Integer\" where 'Edm.Int32' is expected",
    "74 error placeholder-value: the example request: property 'lastReportedDateTime' has the placeholder \"String (timestamp)\" where 'Edm.DateTimeOffset' is expected",
    "74 error placeholder-value: the example request: property 'status' has the placeholder \"String\" where 'microsoft.graph.complianceStatus' is expected",
    "87 error type-case: the response annotation @odata.type names 'microsoft.graph.manageddevicemobileappconfigurationuserstatus', which differs in case from the type 'microsoft.graph.managedDeviceMobileAppConfigurationUserStatus'",
    "96 error placeholder-value: the example response: property 'devicesCount' has the placeholder \"Integer\" where 'Edm.Int32' is expected",
    "96 error placeholder-value: the example response: property 'lastReportedDateTime' has the placeholder \"String (timestamp)\" where 'Edm.DateTimeOffset' is expected",
    "96 error placeholder-value: the example response: property 'status' has the placeholder \"String\" where 'microsoft.graph.complianceStatus' is expected",
  ],
  '002_0ee7c172b0a4fef6.txt': [
    "4 warning todo: placeholder text left on the page: \"TODO: Provide Github Name.\"",
    "6 warning todo: placeholder text left on the page: \"TODO: Add MS prod.\"",
    "20 warning todo: placeholder text left on the page: \"TODO: Provide applicable permissions.\"",
    "21 warning todo: placeholder text left on the page: \"TODO: Provide applicable permissions.\"",
    "22 warning todo: placeholder text left on the page: \"TODO: Provide applicable permissions.\"",
    "81 error foreign-namespace: the example request @odata.type names '#microsoft.management.services.api.mobileAppInstallStatus': 'microsoft.management.services.api' is not a namespace of the metadata (microsoft.graph)",
    "81 error placeholder-value: the example request: property 'lastSyncDateTime' has the placeholder \"String (timestamp)\" where 'Edm.DateTimeOffset' is expected",
    "81 error placeholder-value: the example request: property 'mobileAppInstallStatusValue' has the placeholder \"String\" where 'microsoft.graph.resultantAppState' is expected",
    "81 error placeholder-value: the example request: property 'installState' has the placeholder \"String\" where 'microsoft.graph.resultantAppState' is expected",
    "81 error placeholder-value: the example request: property 'installStateDetail' has the placeholder \"String\" where 'microsoft.graph.resultantAppStateDetail' is expected",
    "81 error placeholder-value: the example request: property 'errorCode' has the placeholder \"Integer\" where 'Edm.Int32' is expected",
    "101 error foreign-namespace: the response annotation @odata.type names 'microsoft.management.services.api.mobileAppInstallStatus': 'microsoft.management.services.api' is not a namespace of the metadata (microsoft.graph)",
    "111 error foreign-namespace: the example response @odata.type names '#microsoft.management.services.api.mobileAppInstallStatus': 'microsoft.management.services.api' is not a namespace of the metadata (microsoft.graph)",
    "111 error placeholder-value: the example response: property 'lastSyncDateTime' has the placeholder \"String (timestamp)\" where 'Edm.DateTimeOffset' is expected",
    "111 error placeholder-value: the example response: property 'mobileAppInstallStatusValue' has the placeholder \"String\" where 'microsoft.graph.resultantAppState' is expected",
    "111 error placeholder-value: the example response: property 'installState' has the placeholder \"String\" where 'microsoft.graph.resultantAppState' is expected",
    "111 error placeholder-value: the example response: property 'installStateDetail' has the placeholder \"String\" where 'microsoft.graph.resultantAppStateDetail' is expected",
    "111 error placeholder-value: the example response: property 'errorCode' has the placeholder \"Integer\" where 'Edm.Int32' is expected",
  ],
  '003_9e47ed566db0d7be.txt': [
    "21 warning todo: placeholder text left on the page: \"TODO: Determine scopes\"",
    "23 warning todo: placeholder text left on the page: \"TODO: Determine AppOnly scopes\"",
    "50 warning vague-type: 'status' is typed 'Enumeration'; the metadata names the enum 'complianceStatus'",
    "57 error status-mismatch: the Response section promises 201 for POST /deviceAppManagement/iosLobAppProvisioningConfigurations/{iosLobAppProvisioningConfigurationId}/userStatuses/$ref; adding a reference answers 204",
    "69 error undocumented-operation: the example sends POST /deviceAppManagement/iosLobAppProvisioningConfigurations/{iosLobAppProvisioningConfigurationId}/userStatuses, which the HTTP request section does not document (POST /deviceAppManagement/iosLobAppProvisioningConfigurations/{iosLobAppProvisioningConfigurationId}/userStatuses/$ref)",
    "73 error placeholder-value: the example request: property 'status' has the placeholder \"String\" where 'microsoft.graph.complianceStatus' is expected",
    "85 error type-case: the response annotation @odata.type names 'microsoft.graph.manageddevicemobileappconfigurationuserstatus', which differs in case from the type 'microsoft.graph.managedDeviceMobileAppConfigurationUserStatus'",
    "96 error placeholder-value: the example response: property 'status' has the placeholder \"String\" where 'microsoft.graph.complianceStatus' is expected",
  ],
};

t.test('other defects a page can have', async (t) => {
  const service = await loadServiceFromEdmx('metadata/v1.0.xml');
  const fence = '`'.repeat(3);
  const page = [
    "---",
    "title: \"Create thing\"",
    "---",
    "",
    "# Create userStatuses",
    "",
    "## HTTP request",
    "<!-- { \"blockType\": \"ignored\" } -->",
    `${fence} http`,
    "POST /deviceAppManagement/mobileAppConfigurations/{id}/userStatus",
    `${fence}`,
    "",
    "## Request body",
    "In the request body, supply a JSON representation of the [managedDeviceMobileAppConfigurationUserStatus](x.md) object.",
    "",
    "|Property|Type|Description|",
    "|:---|:---|:---|",
    "|devicesCount|String|Count.|",
    "|status|complianceStatus|Possible values are: `unknown`, `compliant`, `sideways`.|",
    "|colour|String|Not a property.|",
    "",
    "## Response",
    "If successful, this method returns a `201 Created` response code.",
    "",
    "## Example",
    "<!-- { \"blockType\": \"request\" } -->",
    `${fence} http`,
    "POST https://graph.microsoft.com/v1.0/deviceAppManagement/mobileAppConfigurations/{id}/userStatuses",
    "Content-Type: application/json",
    "",
    "{ \"devicesCount\": 1.5, \"colour\": \"red\", \"status\": \"compliant\" }",
    `${fence}`,
    "",
    "<!-- { \"blockType\": \"response\" } -->",
    `${fence} http`,
    "HTTP/1.1 200 OK",
    "Content-Type: application/json",
    "",
    "{ \"@odata.type\": \"#microsoft.graph.nothing\", \"id\": \"x\", \"devicesCount\": 2 }",
    `${fence}`,
    "",
  ].join('\n');
  const findings = checkPage(readPage('synthetic.md', page), service).map((f) => `${f.line} ${f.severity} ${f.code}`);
  t.same(findings, [
    '10 error unresolved-path',
    '18 warning missing-property', // id
    '18 warning missing-property', // lastReportedDateTime
    '18 warning missing-property', // userDisplayName
    '18 warning missing-property', // userPrincipalName
    '18 error type-mismatch', // devicesCount typed String
    '19 error enum-members', // 'sideways'
    '19 warning enum-members', // notApplicable, remediated, ... not listed
    '20 error unknown-property',
    '28 error undocumented-operation',
    '31 error invalid-value', // 1.5 for Int32
    '31 error unknown-property', // colour
    '36 error status-mismatch', // 200, the page promises 201
    '39 error missing-response-property', // not marked truncated: every property is due
    '39 error missing-response-property',
    '39 error missing-response-property',
    '39 error missing-response-property',
    '39 error unknown-type', // #microsoft.graph.nothing
  ], 'every class of defect, at its line');
});

t.test('with the docs corpus', { skip: corpusMissing }, async (t) => {
  t.test('the corpus: exactly the pinned findings, page by page', async (t) => {
    const findings = await checkDocs([CORPUS_DIR], 'metadata');
    const byFile: Record<string, string[]> = {};
    for (const f of findings) (byFile[path.basename(f.file)] ??= []).push(`${f.line} ${f.severity} ${f.code}: ${f.message}`);
    t.same(Object.keys(byFile).sort(), Object.keys(EXPECTED).sort(), 'pages with findings (004 is clean)');
    for (const [file, expected] of Object.entries(EXPECTED)) t.same(byFile[file], expected, file);
    t.match(formatFindings(findings), /docs-corpus\/000_4c478914accb00e4\.txt:4: warning todo: /);
    t.match(formatFindings(findings), /34 error\(s\), 24 warning\(s\)$/);
  });

  t.test('the markdown and plain-text forms of the same page read alike', async (t) => {
    const markdown = readPage('000', await readFile(path.join(CORPUS_DIR, '000_4c478914accb00e4.txt'), 'utf8'));
    const text = readPage('004', await readFile(path.join(CORPUS_DIR, '004_36cf32ab72334cf6.txt'), 'utf8'));
    t.equal(markdown.format, 'markdown');
    t.equal(text.format, 'text');
    for (const page of [markdown, text]) {
      t.equal(page.entityType, 'userAppInstallStatus');
      t.same(page.operations.map((o) => `${o.method} ${o.path}`), ['POST /deviceAppManagement/mobileApps/{mobileAppId}/userStatuses']);
      t.same(page.properties.map((p) => `${p.name}:${p.type}`), ['id:String', 'userName:String', 'userPrincipalName:String', 'installedDeviceCount:Int32', 'failedDeviceCount:Int32', 'notInstalledDeviceCount:Int32']);
      t.equal(page.expectedStatus?.status, 201);
      t.equal(page.examples.length, 1);
      t.equal(page.examples[0]?.request.version, 'beta');
      t.equal(page.examples[0]?.response?.status, 201);
    }
    t.same(text.permissions.map((p) => p.scopes), [['DeviceManagementApps.ReadWrite.All'], [], ['DeviceManagementApps.ReadWrite.All']]);
    t.same(markdown.permissions.map((p) => p.scopes), [[], [], []], 'TODO permissions have no scopes');
    t.same((text.examples[0]?.request.body as Record<string, unknown>).installedDeviceCount, 4);
  });
});
