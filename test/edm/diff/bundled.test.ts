import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { loadEdmx, parseEdmx } from '../../../src/edm/build-model.js';
import { diffModels } from '../../../src/edm/diff/diff-models.js';
import { RULES } from '../../../src/edm/diff/rules.js';
import { REPO_ROOT } from '../../helpers/paths.js';

// The bundled services: beta adds what v1.0 lacks (install statuses and their enums), so going
// from v1.0 to beta is compatible and the way back is breaking. Also: the rules as the docs list them.

const BETA = path.join(REPO_ROOT, 'metadata', 'beta.xml');
const V1 = path.join(REPO_ROOT, 'metadata', 'v1.0.xml');
const pick = (c: { class: string; path: string; message: string }) => [c.class, c.path, c.message];

t.test('v1.0 -> beta: additions only', async (t) => {
  const diff = diffModels(loadEdmx(V1).model, loadEdmx(BETA).model);
  t.equal(diff.counts.breaking, 0);
  t.ok(diff.counts.compatible >= 5, `${diff.counts.compatible} compatible changes`);
  const changes = diff.changes.map(pick);
  t.ok(changes.some(([, p, m]) => p === 'microsoft.graph.resultantAppStateDetail' && m === 'enum type added (27 members)'), 'the 27-member enum');
  t.ok(changes.some(([, p, m]) => p === 'microsoft.graph.mobileApp/deviceStatuses' && m === 'added (Collection(microsoft.graph.mobileAppInstallStatus), contained)'), 'a contained navigation');
  t.notOk(changes.some(([, p]) => p.startsWith('microsoft.graph.iosLobApp/')), 'inherited navigations are reported on the declaring type only');
});

t.test('beta -> v1.0: what beta clients would lose is breaking', async (t) => {
  const diff = diffModels(loadEdmx(BETA).model, loadEdmx(V1).model);
  t.equal(diff.counts.compatible, 0);
  t.ok(diff.changes.some((c) => c.rule === 'type-removed' && c.path === 'microsoft.graph.userAppInstallStatus'));
  t.ok(diff.changes.some((c) => c.rule === 'navigation-removed' && c.path === 'microsoft.graph.mobileApp/userStatuses'));
});

t.test('beta against a copy whose enum lost two members and renumbered one', async (t) => {
  const xml = readFileSync(BETA, 'utf8');
  const enumStart = xml.indexOf('<EnumType Name="resultantAppStateDetail"');
  const enumEnd = xml.indexOf('</EnumType>', enumStart);
  const members = [...xml.slice(enumStart, enumEnd).matchAll(/<Member Name="(\w+)" Value="(-?\d+)"\s*\/>/g)];
  t.equal(members.length, 27, 'the bundled enum has 27 members');
  const [first, second, third] = members as [RegExpMatchArray, RegExpMatchArray, RegExpMatchArray];
  const body = xml.slice(enumStart, enumEnd).replace(first[0], '').replace(second[0], '').replace(third[0], `<Member Name="${third[1]}" Value="9999"/>`);
  const changed = xml.slice(0, enumStart) + body + xml.slice(enumEnd);
  const diff = diffModels(parseEdmx(xml), parseEdmx(changed));
  const at = (m: RegExpMatchArray) => `microsoft.graph.resultantAppStateDetail/${m[1]}`;
  t.same(diff.changes.map((c) => [c.class, c.rule, c.path, c.message]), [
    ['breaking', 'enum-member-removed', at(first), `member removed (value ${first[2]})`],
    ['breaking', 'enum-member-removed', at(second), `member removed (value ${second[2]})`],
    ['breaking', 'enum-member-renumbered', at(third), `value ${third[2]} -> 9999`],
  ]);
});

t.test('docs/diff.md lists every rule with its class, and no other', async (t) => {
  const text = readFileSync(path.join(REPO_ROOT, 'docs', 'diff.md'), 'utf8');
  const rows = [...text.matchAll(/^\| `([a-z-]+)` \| (\w+) \|/gm)].map((m) => [m[1], m[2]]);
  t.same(rows, Object.entries(RULES).map(([rule, { class: cls }]) => [rule, cls]));
});
