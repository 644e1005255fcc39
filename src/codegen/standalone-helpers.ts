// Ajv's standalone code reaches a few runtime helpers through `require("ajv/dist/runtime/<name>")`,
// even in ES module mode. A generated module must work wherever its directory lives, where `ajv`
// may not resolve (and where `require` does not exist at all), so the generator replaces each such
// call with edmock's own equivalent, written out in the module. A helper that is missing here fails
// the generation, never a request.

/** Helper name -> a JavaScript function expression with Ajv's semantics for that helper. */
const HELPERS: Record<string, string> = {
  // Deep equality of JSON values (`enum` with many members is checked in a loop with it).
  equal: `function equal(a, b) {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return a !== a && b !== b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (!Object.prototype.hasOwnProperty.call(b, key) || !equal(a[key], b[key])) return false;
  return true;
}`,
  // String length in Unicode code points, as JSON Schema counts it for `maxLength`/`minLength`.
  ucs2length: `function ucs2length(text) {
  let length = 0;
  for (const _ of text) length++;
  return length;
}`,
};

const RUNTIME_REQUIRE = /require\("ajv\/dist\/runtime\/([A-Za-z0-9_]+)"\)\.default/g;

/** The standalone code with every runtime helper it requires written out in place. */
export function inlineRuntimeHelpers(code: string): string {
  const inlined = code.replace(RUNTIME_REQUIRE, (_call, name: string) => {
    const helper = HELPERS[name];
    if (helper === undefined) throw new Error(`generated validators need Ajv's runtime helper '${name}', which edmock does not provide`);
    return `(${helper})`;
  });
  // EDM names cannot contain `(`, so any `require(` left would be code, not a schema string.
  const left = /\brequire\(/.exec(inlined);
  if (left) throw new Error(`generated validators still require a module: ${inlined.slice(left.index, left.index + 80)}`);
  return inlined;
}
