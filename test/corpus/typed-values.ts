// Every input the "typed values exact" part of the hardening issue names, as one table:
// request -> expected status, error code and what the answer must show. The server tests run it
// (test/server/typed-values.test.ts); a fuzz suite can reuse it as seeds. The table addresses a
// service made for it: TYPED_VALUES_EDMX served at the root, with TYPED_VALUES_SEED created first.

export const TYPED_VALUES_EDMX = `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="test.typed" Alias="t" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <EntityType Name="value">
    <Key><PropertyRef Name="id"/></Key>
    <Property Name="id" Type="Edm.String" Nullable="false"/>
    <Property Name="text" Type="Edm.String"/>
    <Property Name="small" Type="Edm.Int32"/>
    <Property Name="big" Type="Edm.Int64"/>
    <Property Name="amount" Type="Edm.Decimal"/>
    <Property Name="price" Type="Edm.Decimal" Precision="6" Scale="2"/>
    <Property Name="ratio" Type="Edm.Decimal" Precision="5" Scale="variable"/>
    <Property Name="real" Type="Edm.Double"/>
    <Property Name="single" Type="Edm.Single"/>
    <Property Name="day" Type="Edm.Date"/>
    <Property Name="at" Type="Edm.DateTimeOffset"/>
    <Property Name="bytes" Type="Edm.Binary"/>
  </EntityType>
  <EntityType Name="gidded">
    <Key><PropertyRef Name="id"/></Key>
    <Property Name="id" Type="Edm.Guid" Nullable="false"/>
    <Property Name="name" Type="Edm.String"/>
  </EntityType>
  <EntityContainer Name="c">
    <EntitySet Name="values" EntityType="t.value"/>
    <EntitySet Name="gids" EntityType="t.gidded"/>
  </EntityContainer>
</Schema></edmx:DataServices></edmx:Edmx>`;

export const UPPER_GUID = 'ABCDEF01-2345-6789-ABCD-EF0123456789';
export const LOWER_GUID = UPPER_GUID.toLowerCase();

/** Created (POST, in this order) before the cases run; each case starts from this store. */
export const TYPED_VALUES_SEED: { url: string; body: string }[] = [
  { url: '/values', body: '{"id":"992","big":9007199254740992}' },
  { url: '/values', body: '{"id":"993","big":9007199254740993}' },
  { url: '/values', body: '{"id":"max","big":9223372036854775807}' },
  { url: '/values', body: '{"id":"min","big":-9223372036854775808}' },
  { url: '/values', body: '{"id":"leap","day":"2024-02-29"}' },
  { url: '/gids', body: `{"id":"${UPPER_GUID}","name":"upper"}` },
];

export interface TypedValueCase {
  /** The rule the case checks, as the tests name it. */
  rule: string;
  method: 'GET' | 'POST' | 'PATCH';
  /** Relative to the service root, unencoded: send it through encodeURI. */
  url: string;
  /** The body text exactly as sent. */
  body?: string;
  headers?: Record<string, string>;
  expect: {
    status: number;
    /** The OData error code of a refusal. */
    code?: string;
    /** error.target, or the target of its first detail. */
    target?: string;
    /** Matched against error.message and its details' messages. */
    message?: RegExp;
    /** Matched against the raw response text (numbers as written on the wire). */
    text?: RegExp;
    /** For a collection: the ids of the entities answered, sorted. */
    ids?: string[];
    /** For a JSON `$batch`: the status of each part's answer, in order. */
    parts?: number[];
  };
}

const JSON_READER = 'no string a client sends is read as a number (JSON read without sentinel strings)';
const INT64_FILTER = '$filter compares Int64 values exactly beyond 2^53';
const DECIMAL = 'Decimal keeps the digits sent and honours Precision and Scale; Int64 is never rounded';
const FLOATING = 'Single and Double stay in range; a literal out of range is reported as written';
const DATES = 'Date and DateTimeOffset values name days of the calendar';
const BINARY = 'Edm.Binary is base64url (OData JSON §7.1)';
const GUIDS = 'GUID keys and comparisons ignore case';
const CHARSET = 'a JSON body is UTF-8 (RFC 8259 §8.1): another charset is a 415';

const post = (rule: string, body: string, expect: TypedValueCase['expect'], headers?: Record<string, string>): TypedValueCase =>
  ({ rule, method: 'POST', url: '/values', body, expect, ...(headers ? { headers } : {}) });
const filter = (rule: string, expression: string, expect: TypedValueCase['expect']): TypedValueCase =>
  ({ rule, method: 'GET', url: `/values?$filter=${expression}&$select=id`, expect });
const batch = (rule: string, body: object, parts: number[]): TypedValueCase =>
  ({ rule, method: 'POST', url: '/$batch', body: JSON.stringify(body), expect: { status: 200, parts } });

const IEEE754 = { 'content-type': 'application/json;IEEE754Compatible=true' };

export const TYPED_VALUE_CASES: TypedValueCase[] = [
  // The marker the reader used for long integers, written by a client next to a long integer.
  post(JSON_READER, '{"id":"j1","small":"\\u0000int:7","big":9007199254740993}', { status: 400, code: 'BadRequest', target: 'small' }),
  post(JSON_READER, '{"id":"j2","text":"\\u0000int:7","big":9007199254740993}', { status: 201, text: /"text":"\\u0000int:7","small":null,"big":9007199254740993,/ }),
  post(JSON_READER, '{"id":"j3","text":"\\u0000big:5","big":9007199254740993}', { status: 201, text: /"text":"\\u0000big:5"/ }),
  post(JSON_READER, '{"id":"j4","text":"12345678901234567890","big":12345678901234567}', { status: 201, text: /"text":"12345678901234567890","small":null,"big":12345678901234567,/ }),
  post(JSON_READER, '{"id":"j5","big":9007199254740993,}', { status: 400, code: 'BadRequest', message: /JSON/ }),
  { rule: JSON_READER, method: 'POST', url: '/$batch', expect: { status: 200, parts: [201] },
    body: '{"requests":[{"id":"1","method":"POST","url":"/values","headers":{"content-type":"application/json"},"body":{"id":"j6","text":"\\u0000bigint:5","big":9007199254740993}}]}' },

  filter(INT64_FILTER, 'big eq 9007199254740993', { status: 200, ids: ['993'] }),
  filter(INT64_FILTER, 'big eq 9007199254740992', { status: 200, ids: ['992'] }),
  filter(INT64_FILTER, 'big ge 9223372036854775807', { status: 200, ids: ['max'] }),
  filter(INT64_FILTER, 'big gt 9007199254740992', { status: 200, ids: ['993', 'max'] }),
  filter(INT64_FILTER, 'big lt 9007199254740993 and big gt 0', { status: 200, ids: ['992'] }),
  filter(INT64_FILTER, 'big le -9223372036854775808', { status: 200, ids: ['min'] }),
  filter(INT64_FILTER, 'big ne 9007199254740993 and big gt 0', { status: 200, ids: ['992', 'max'] }),
  filter(INT64_FILTER, 'big in (9007199254740993, 1)', { status: 200, ids: ['993'] }),
  filter(INT64_FILTER, 'big eq 9007199254740993.0', { status: 200, ids: ['993'] }),
  filter(INT64_FILTER, '-big eq -9007199254740993', { status: 200, ids: ['993'] }),
  filter(INT64_FILTER, 'big eq 9223372036854775808', { status: 400, code: 'BadRequest', message: /out of range for Edm\.Int64/ }),

  post(DECIMAL, '{"id":"d1","amount":99999999999999.9999}', { status: 201, text: /"amount":99999999999999\.9999,/ }),
  post(DECIMAL, '{"id":"d2","amount":"99999999999999.9999"}', { status: 201, text: /"amount":99999999999999\.9999,/ }, IEEE754),
  post(DECIMAL, '{"id":"d3","amount":0.1}', { status: 201, text: /"amount":0\.1,/ }),
  post(DECIMAL, '{"id":"d4","price":1234.56}', { status: 201, text: /"price":1234\.56,/ }),
  post(DECIMAL, '{"id":"d5","price":1234.567}', { status: 400, code: 'BadRequest', target: 'price', message: /3 digits after the decimal point.*Scale=2/ }),
  post(DECIMAL, '{"id":"d6","price":12345.6}', { status: 400, code: 'BadRequest', target: 'price', message: /Precision=6, Scale=2/ }),
  post(DECIMAL, '{"id":"d7","price":"1234.567"}', { status: 400, code: 'BadRequest', target: 'price' }, IEEE754),
  post(DECIMAL, '{"id":"d8","price":1234.5600000000000000001}', { status: 400, code: 'BadRequest', target: 'price' }),
  post(DECIMAL, '{"id":"d9","ratio":123.45}', { status: 201 }),
  post(DECIMAL, '{"id":"d10","ratio":1234.56}', { status: 400, code: 'BadRequest', target: 'ratio', message: /Precision=5/ }),
  post(DECIMAL, '{"id":"i1","big":9007199254740993.0}', { status: 201, text: /"big":9007199254740993,/ }),
  post(DECIMAL, '{"id":"i2","big":9007199254740993.5}', { status: 400, code: 'BadRequest', target: 'big' }),
  post(DECIMAL, '{"id":"i3","big":9223372036854775808.0}', { status: 400, code: 'BadRequest', target: 'big', message: /9223372036854775808\.0 is out of the range/ }),

  post(FLOATING, '{"id":"f1","single":1e39}', { status: 400, code: 'BadRequest', target: 'single' }),
  post(FLOATING, '{"id":"f2","single":-1e39}', { status: 400, code: 'BadRequest', target: 'single' }),
  post(FLOATING, '{"id":"f3","single":3.4028234663852886e38}', { status: 201 }),
  post(FLOATING, '{"id":"f4","real":1e400}', { status: 400, code: 'BadRequest', target: 'real', message: /1e400/ }),
  post(FLOATING, '{"id":"f5","small":1e400}', { status: 400, code: 'BadRequest', target: 'small', message: /'1e400'|1e400 is out/ }),
  post(FLOATING, '{"id":"f6","text":1e400}', { status: 400, code: 'BadRequest', target: 'text', message: /'1e400'/ }),
  post(FLOATING, '{"id":"f7","real":1.7976931348623157e308}', { status: 201 }),

  post(DATES, '{"id":"t1","day":"2026-02-29"}', { status: 400, code: 'BadRequest', target: 'day' }),
  post(DATES, '{"id":"t2","day":"2100-02-29"}', { status: 400, code: 'BadRequest', target: 'day' }),
  post(DATES, '{"id":"t3","day":"2000-02-29"}', { status: 201 }),
  post(DATES, '{"id":"t4","day":"2024-02-29"}', { status: 201 }),
  post(DATES, '{"id":"t5","day":"2026-04-31"}', { status: 400, code: 'BadRequest', target: 'day' }),
  post(DATES, '{"id":"t6","at":"2026-02-29T10:00:00Z"}', { status: 400, code: 'BadRequest', target: 'at' }),
  post(DATES, '{"id":"t7","at":"2024-02-29T10:00:00Z"}', { status: 201 }),
  filter(DATES, 'day eq 2026-13-01', { status: 400, code: 'BadRequest', message: /'2026-13-01' is not a valid Date/ }),
  filter(DATES, 'day eq 2026-02-29', { status: 400, code: 'BadRequest', message: /not a valid Date/ }),
  filter(DATES, 'day eq 2024-02-29', { status: 200, ids: ['leap'] }),
  filter(DATES, 'at lt 2026-02-30T00:00:00Z', { status: 400, code: 'BadRequest', message: /not a valid DateTimeOffset/ }),

  post(BINARY, '{"id":"b1","bytes":"aGk-_w"}', { status: 201 }),
  post(BINARY, '{"id":"b2","bytes":"aGk="}', { status: 201 }),
  post(BINARY, '{"id":"b3","bytes":"aGk+/w=="}', { status: 400, code: 'BadRequest', target: 'bytes' }),
  post(BINARY, '{"id":"b4","bytes":"a"}', { status: 400, code: 'BadRequest', target: 'bytes' }),
  post(BINARY, '{"id":"b5","bytes":"aGl="}', { status: 400, code: 'BadRequest', target: 'bytes' }),

  { rule: GUIDS, method: 'GET', url: `/gids(${LOWER_GUID})`, expect: { status: 200, text: /"name":"upper"/ } },
  { rule: GUIDS, method: 'GET', url: `/gids(${UPPER_GUID})`, expect: { status: 200, text: /"name":"upper"/ } },
  { rule: GUIDS, method: 'GET', url: `/gids/${LOWER_GUID}`, expect: { status: 200 } },
  { rule: GUIDS, method: 'GET', url: `/gids?$filter=id eq ${LOWER_GUID}`, expect: { status: 200, ids: [UPPER_GUID] } },
  { rule: GUIDS, method: 'GET', url: `/gids?$filter=id in (${LOWER_GUID})`, expect: { status: 200, ids: [UPPER_GUID] } },
  { rule: GUIDS, method: 'POST', url: '/gids', body: `{"id":"${LOWER_GUID}"}`, expect: { status: 409, code: 'Conflict' } },
  { rule: GUIDS, method: 'PATCH', url: `/gids(${LOWER_GUID})`, body: `{"id":"${LOWER_GUID}","name":"same"}`, expect: { status: 204 } },

  post(CHARSET, '{"id":"c1","text":"café"}', { status: 415, code: 'UnsupportedMediaType', message: /iso-8859-1/ }, { 'content-type': 'application/json; charset=iso-8859-1' }),
  post(CHARSET, '{"id":"c2","text":"café"}', { status: 415, code: 'UnsupportedMediaType' }, { 'content-type': 'application/json;charset="windows-1252"' }),
  post(CHARSET, '{"id":"c3","text":"café"}', { status: 201, text: /"text":"café"/ }, { 'content-type': 'application/json; charset=UTF-8' }),
  post(CHARSET, '{"id":"c4","text":"café"}', { status: 201 }, { 'content-type': 'application/json;charset="utf-8"' }),
  batch(CHARSET, {
    requests: [
      { id: '1', method: 'POST', url: '/values', headers: { 'content-type': 'application/json; charset=iso-8859-1' }, body: { id: 'c5' } },
      { id: '2', method: 'POST', url: '/values', headers: { 'content-type': 'application/json; charset=iso-8859-1' }, body: Buffer.from('{"id":"c6"}').toString('base64url') },
      { id: '3', method: 'POST', url: '/values', headers: { 'content-type': 'application/json; charset=utf-8' }, body: { id: 'c7' } },
    ],
  }, [415, 415, 201]),
  {
    rule: CHARSET, method: 'POST', url: '/$batch', headers: { 'content-type': 'multipart/mixed; boundary=b' },
    body: ['--b', 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', '', 'POST values HTTP/1.1',
      'Content-Type: application/json; charset=iso-8859-1', '', '{"id":"c8"}', '--b--', ''].join('\r\n'),
    expect: { status: 200, text: /HTTP\/1\.1 415 Unsupported Media Type[^]*"code":"UnsupportedMediaType"/ },
  },
];
