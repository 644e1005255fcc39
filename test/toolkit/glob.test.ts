import t from 'tap';
import { compileGlob, MAX_GLOB_LENGTH } from '../../src/toolkit/glob.js';
import { assertODataError, BETA_APP, startServer } from '../helpers/server.js';

// Path globs: `*` within a segment, `**` across. They were regular expressions, which backtrack:
// `/beta/*a*a*a*a*b` against a long path held the event loop for tens of seconds. The matcher
// now keeps the regular expression's answers (checked against it on small inputs, where it is
// quick) and answers the inputs that froze it.

/** What globs meant as regular expressions: the reference their answers are checked against. */
function referenceRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob.charAt(i);
    if (c === '*' && glob[i + 1] === '*') { source += '.*'; i++; } else if (c === '*') source += '[^/]*';
    else source += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** mulberry32, so that a failure names a seed that reproduces it. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = (random: () => number, alphabet: string, length: number) => Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');

t.test('the same answers as the regular expressions did, on 20,000 random globs and paths', async (t) => {
  const random = seeded(12);
  const disagreements: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    const glob = pick(random, 'ab/**.', 1 + Math.floor(random() * 9));
    const path = pick(random, 'ab/.', Math.floor(random() * 13));
    if (compileGlob(glob).test(path) !== referenceRegExp(glob).test(path)) disagreements.push(`${glob} ~ ${path}`);
  }
  t.same(disagreements, []);
});

t.test('the documented forms; characters a regular expression would read are literal', async (t) => {
  const cases: [string, string, boolean][] = [
    ['/beta/**', '/beta/deviceAppManagement/mobileApps', true],
    ['/beta/**', '/v1.0/deviceAppManagement', false],
    ['/beta/**/userStatuses', '/beta/a/b/c/userStatuses', true],
    ['/beta/**/userStatuses', '/beta/userStatuses', false],
    ['/beta/*/userStatuses', '/beta/a/userStatuses', true],
    ['/beta/*/userStatuses', '/beta/a/b/userStatuses', false],
    ['/beta/mobileApps', '/beta/mobileApps', true],
    ['/beta/mobileApps', '/beta/mobileApps/x', false],
    ['/beta/(a|b)+.[x]$', '/beta/(a|b)+.[x]$', true],
    ['/beta/a.c', '/beta/abc', false],
    ['/**', '/', true],
    ['/***', '/a/b', true],
    ['/é*', '/été', true],
  ];
  for (const [glob, path, expected] of cases) t.equal(compileGlob(glob).test(path), expected, `${glob} ~ ${path}`);
});

t.test('globs that made the regular expressions backtrack for seconds get their answer', async (t) => {
  const long = 'a'.repeat(100_000);
  t.equal(compileGlob('/beta/*a*a*a*a*b').test(`/beta/${long}`), false);
  t.equal(compileGlob('/beta/*a*a*a*a*b').test(`/beta/${long}b`), true);
  t.equal(compileGlob('/beta/**a**a**a**a**b').test(`/beta/${'a/'.repeat(50_000)}`), false);
  t.equal(compileGlob('/beta/**a**a**a**a**b').test(`/beta/${'a/'.repeat(50_000)}b`), true);
  const longest = `/${'*a'.repeat((MAX_GLOB_LENGTH - 2) / 2)}b`;
  t.equal(longest.length, MAX_GLOB_LENGTH);
  t.equal(compileGlob(longest).test(`/${long}`), false, 'the longest glob against a long segment');
  t.equal(compileGlob(longest).test(`/${'a'.repeat(511)}b`), true, 'and a path it matches exactly');
  t.equal(compileGlob(longest).test(`/${'a'.repeat(510)}b`), false, 'one a short');
});

t.test('over the admin API: a backtracking glob is answered, a glob over 1 KiB is a 400', async (t) => {
  const client = await startServer(t);
  const longPath = `/beta/${'a'.repeat(5000)}`;
  t.equal((await client.get(longPath)).status, 404);
  await client.get(`${BETA_APP}/userStatuses`);
  const filtered = await client.get(`/_edmock/journal?path=${encodeURIComponent('/beta/*a*a*a*a*b')}`);
  t.same(filtered.body.value, []);
  const hit = await client.get(`/_edmock/journal?path=${encodeURIComponent('/beta/*a*a*a*a*a')}`);
  t.same(hit.body.value.map((e: { url: string }) => e.url), [longPath]);
  const tooLong = `/${'*'.repeat(MAX_GLOB_LENGTH)}`;
  const refused = await client.get(`/_edmock/journal?path=${encodeURIComponent(tooLong)}`);
  assertODataError(t, refused, 400, 'BadRequest');
  t.equal(refused.body.error.target, 'path');
  const verify = await client.post('/_edmock/journal/verify', { path: tooLong, count: 0 });
  assertODataError(t, verify, 400, 'BadRequest');
  const rule = await client.post('/_edmock/faults', { fault: 'throttle', path: tooLong });
  assertODataError(t, rule, 400, 'BadRequest');
  t.equal(rule.body.error.target, 'path');
  t.equal((await client.post('/_edmock/faults', { fault: 'throttle', path: '/beta/*a*a*a*a*b' })).status, 201);
  t.equal((await client.get(longPath)).status, 404, 'the rule is tested against the long path, and does not fire');
  t.equal((await client.get(`${longPath}b`)).status, 429, 'and fires on one it matches');
});
