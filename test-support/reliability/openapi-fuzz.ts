/**
 * Malformed HTTP requests generated from the API's own OpenAPI document: for each operation, wrong types,
 * out-of-range and huge values, deep nesting, unknown fields, prototype-pollution keys, invalid ids, bad
 * cursors, invalid JSON and wrong content types. Every generated case is checked against the operation's
 * schemas (with the server's validator settings) so a mutation that happens to be valid is never sent as
 * "malformed"; cases that are schema-valid on purpose (nonexistent ids, bad cursors) are tagged `semantic`.
 */
import { createAjv } from '../../server/http/validation';
import { deeplyNested, deeplyNestedJson, Prng } from './prng';
import { sampleValid } from '../sample-valid';

type Schema = Record<string, any>;

export interface Operation {
  method: string;
  /** OpenAPI path, e.g. /api/integrations/{id}. */
  path: string;
  key: string;
  pathParams: Array<{ name: string; schema: Schema }>;
  queryParams: Array<{ name: string; schema: Schema; required: boolean }>;
  body?: Schema;
  public: boolean;
}

export interface FuzzCase {
  /** What was mutated, for failure messages. */
  label: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /**
   * `reject`: the request is invalid and must get a 4xx. `tolerate`: junk the route ignores by design
   * (query strings on routes that declare none): any status but a 5xx, and still no stored change.
   */
  expect: 'reject' | 'tolerate';
}

export function operationsFromOpenApi(doc: { paths: Record<string, Record<string, any>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(methods)) {
      const params = (op.parameters ?? []) as Array<{ in: string; name: string; schema: Schema; required?: boolean }>;
      ops.push({
        method: m.toUpperCase(),
        path,
        key: `${m.toUpperCase()} ${path}`,
        pathParams: params.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: p.schema })),
        queryParams: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema, required: !!p.required })),
        body: op.requestBody?.content?.['application/json']?.schema,
        public: Array.isArray(op.security) && op.security.length === 0,
      });
    }
  }
  return ops;
}

const bodyAjv = createAjv({ coerceTypes: false, useDefaults: true });
const paramsAjv = createAjv({ coerceTypes: true, useDefaults: true });
const compiled = new WeakMap<Schema, (v: unknown) => boolean>();
function validator(ajv: typeof bodyAjv, schema: Schema) {
  let v = compiled.get(schema);
  if (!v) {
    const fn = ajv.compile(schema);
    v = (x: unknown) => fn(x) as boolean;
    compiled.set(schema, v);
  }
  return v;
}


const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype'];
const UNKNOWN_KEYS = ['unexpected', 'isAdmin', 'role', 'id', '$where', '$gt', 'admin', 'x'.repeat(300), '', ' ', 'a.b', 'a[b]', '\u0000'];

/** Values of JSON types, with a few that break naive code (huge, negative zero-ish, unicode). */
function typeSamples(r: Prng): unknown[] {
  return [
    null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 31) - 1, 2 ** 31, 1e308, '', r.string(12), '1', 'true', 'null',
    [], [1, 'a'], {}, { a: 1 }, deeplyNested(r.int(20, 200)),
  ];
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Values that violate a property schema: wrong types, and out-of-range/huge/pattern/format violations. */
export function badValuesFor(s: Schema, r: Prng): unknown[] {
  const out: unknown[] = [];
  const allowed = new Set<string>();
  const collect = (x: Schema) => {
    if (x.anyOf) x.anyOf.forEach(collect);
    else if (x.type) allowed.add(x.type);
    if (x.nullable) allowed.add('null');
  };
  collect(s);
  if (allowed.size) {
    for (const v of typeSamples(r)) {
      const t = jsonType(v);
      const ok = allowed.has(t) || (t === 'integer' && allowed.has('number'));
      if (!ok) out.push(v);
    }
  }
  const base = s.anyOf ? s.anyOf.find((x: Schema) => x.type !== 'null') ?? s : s;
  if (base.type === 'string') {
    if (base.maxLength !== undefined) out.push('y'.repeat(base.maxLength + 1), 'z'.repeat(r.int(base.maxLength + 1, 120_000)));
    if (base.minLength) out.push('a'.repeat(base.minLength - 1));
    if (base.pattern) out.push(`${r.string(8)} !<script>`, '../../etc/passwd', '\u0000');
    if (base.format === 'email') out.push('not-an-email', '@@', `${r.string(6)}@`);
    if (base.format === 'uri') out.push('not a uri', 'javascript alert(1)');
    if (base.enum) out.push(`${base.enum[0]}x`, String(base.enum[0]).toUpperCase() + '!');
  }
  if (base.anyOf === undefined && s.anyOf?.every((x: Schema) => x.enum || x.const !== undefined)) out.push('not-a-member', 'PENDING', '');
  if (base.type === 'integer' || base.type === 'number') {
    if (base.minimum !== undefined) out.push(base.minimum - 1, base.minimum - 0.5);
    if (base.maximum !== undefined) out.push(base.maximum + 1, 2 ** 63);
    if (base.type === 'integer') out.push(1.25);
  }
  if (base.type === 'array') {
    if (base.maxItems !== undefined) out.push(Array.from({ length: base.maxItems + 1 }, () => sampleValid(base.items)));
    if (base.items) out.push([123, null, {}], [deeplyNested(50)]);
    if (base.uniqueItems) out.push([sampleValid(base.items), sampleValid(base.items)]);
  }
  return out;
}

/** Path-parameter values that are not valid ids (or coerce to ids that cannot exist). */
function badIds(r: Prng): string[] {
  return [
    '0', '-1', '1.5', 'abc', 'null', 'undefined', 'NaN', 'Infinity', '2147483648', '99999999999999999999', '1e400', '-0x1',
    '1;drop table integrations', "1' or '1'='1", '%00', '%2e%2e%2f', '..', '%20', '1%00', `${r.int(1, 9)}x`, '[]', '{}',
    '%7B%22a%22%3A1%7D', '__proto__', 'constructor', 'prototype', 'x'.repeat(r.int(201, 400)), enc(r.string(10)) || 'q',
    '999999', '2147483647', '1000000',
  ];
}

function queryValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null) return 'null';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function queryString(params: Array<[string, string]>): string {
  return params.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
}

export interface FuzzTargets {
  /** Real ids to put in path parameters (per parameter name); bodies are fuzzed against them. */
  ids: Record<string, number>;
  /** Base bodies per operation key (otherwise generated from the schema). */
  bodies?: Record<string, unknown>;
  /** Operations whose side effects need no body: fuzz them only with ids that cannot exist. */
  sideEffectWithoutBody?: (op: Operation) => boolean;
  /** Cursors that look valid (base64url) but decode to something the API never issued. */
  extraQuery?: Array<[string, string]>;
}

const badCursors = () => [
  Buffer.from('i:9999999999').toString('base64url'),
  Buffer.from('i:99999999999').toString('base64url'),
  Buffer.from('i:-1').toString('base64url'),
  Buffer.from('i:1 or 1=1').toString('base64url'),
  Buffer.from('x:1').toString('base64url'),
  Buffer.from('i:2147483648').toString('base64url'),
  Buffer.from('i:4294967296').toString('base64url'),
  'AAAA',
  '____',
  '-',
];

/**
 * `count` malformed requests for one operation, deterministic for a seed. The path uses a real id for
 * operations with a body (so the body is what is wrong), and invalid or nonexistent ids otherwise.
 */
export function generateCases(op: Operation, count: number, seed: number, targets: FuzzTargets): FuzzCase[] {
  const r = new Prng(seed);
  const out: FuzzCase[] = [];
  const hasQuerySchema = op.queryParams.length > 0;
  const sideEffect = targets.sideEffectWithoutBody?.(op) ?? false;
  const queryValidator = hasQuerySchema
    ? validator(paramsAjv, {
        type: 'object',
        properties: Object.fromEntries(op.queryParams.map((p) => [p.name, p.schema])),
        required: op.queryParams.filter((p) => p.required).map((p) => p.name),
        additionalProperties: false,
      })
    : null;
  const pathValidator = op.pathParams.length
    ? validator(paramsAjv, { type: 'object', properties: Object.fromEntries(op.pathParams.map((p) => [p.name, p.schema])), additionalProperties: false })
    : null;
  const bodyValidator = op.body ? validator(bodyAjv, op.body) : null;
  const baseBody = () => structuredClone((targets.bodies?.[op.key] ?? sampleValid(op.body)) as Record<string, unknown>);

  const realPath = () => op.path.replace(/\{([^}]+)\}/g, (_, name) => String(targets.ids[name] ?? 999_999));
  const badPath = (): { url: string; semantic: boolean } => {
    let semantic = false;
    const url = op.path.replace(/\{([^}]+)\}/g, (_, name) => {
      const candidate = r.pick(badIds(r));
      const obj = { [name]: decodeSafe(candidate) };
      if (pathValidator && pathValidator(obj)) {
        // Coerces to a valid id: only acceptable when it cannot exist.
        if (Number(obj[name]) < 1_000) return '999999';
        semantic = true;
      }
      return candidate;
    });
    return { url, semantic };
  };

  const push = (label: string, c: Omit<FuzzCase, 'label' | 'method'>) => out.push({ label, method: op.method, ...c });
  const jsonHeaders = { 'content-type': 'application/json' };

  const strategies: Array<() => void> = [];

  // Invalid ids in the path (bodies, when any, are otherwise valid).
  if (op.pathParams.length) {
    strategies.push(() => {
      const { url } = badPath();
      const body = op.body ? baseBody() : undefined;
      push(`bad id ${url}`, { url, headers: body ? jsonHeaders : {}, payload: body ? JSON.stringify(body) : undefined, expect: 'reject' });
    });
  }

  // Query strings.
  if (hasQuerySchema) {
    const queryPath = () => (sideEffect || op.pathParams.length === 0 ? (op.pathParams.length ? badPath().url : op.path) : realPath());
    strategies.push(() => {
      // A declared parameter with a bad value.
      const p = r.pick(op.queryParams);
      const bad = r.pick([...badValuesFor(p.schema, r).map(queryValue), '', '%', '\u0000', 'a'.repeat(5000), '1,2', '[1]', '{"$gt":1}']);
      const params: Array<[string, string]> = [[p.name, bad]];
      if (queryValidator!(Object.fromEntries(params))) return; // valid after coercion: not malformed
      push(`query ${p.name}=${bad.slice(0, 40)}`, { url: `${queryPath()}?${queryString(params)}`, headers: {}, expect: 'reject' });
    });
    strategies.push(() => {
      // Unknown or prototype-pollution parameter names, or a repeated parameter.
      const p = r.pick(op.queryParams);
      const name = r.pick([...POLLUTION_KEYS, ...UNKNOWN_KEYS.filter((k) => k), `${p.name}[0]`, `${p.name}[__proto__]`, `__proto__[${p.name}]`]);
      const extra = r.bool(0.3) ? `&${enc(p.name)}=${enc(String(sampleValid(p.schema)))}&${enc(p.name)}=${enc(String(sampleValid(p.schema)))}` : '';
      push(`query name ${name.slice(0, 40)}`, { url: `${queryPath()}?${enc(name)}=${enc(r.string(8) || '1')}${extra}`, headers: {}, expect: 'reject' });
    });
    if (op.queryParams.some((p) => p.name === 'cursor')) {
      strategies.push(() => {
        const cursor = r.pick(badCursors());
        push(`cursor ${cursor}`, { url: `${queryPath()}?cursor=${enc(cursor)}`, headers: {}, expect: 'reject' });
      });
    }
  } else if (op.method === 'GET') {
    // Routes without declared query parameters ignore unknown ones; junk must still never break them.
    strategies.push(() => {
      const name = r.pick([...POLLUTION_KEYS, ...UNKNOWN_KEYS.filter((k) => k), 'limit', 'cursor']);
      const url = op.pathParams.length ? badPath().url : op.path;
      push(`junk query ${name.slice(0, 30)}`, { url: `${url}?${enc(name)}=${enc(r.string(16))}&${enc(name)}[x]=1`, headers: {}, expect: op.pathParams.length ? 'reject' : 'tolerate' });
    });
  }

  // Bodies.
  const bodyPath = () => (op.pathParams.length ? realPath() : op.path);
  if (op.body) {
    const props = Object.entries((op.body.properties ?? {}) as Record<string, Schema>);
    const sendBody = (label: string, body: unknown, semantic = false) => {
      if (!semantic && bodyValidator!(structuredClone(body))) return;
      push(label, { url: bodyPath(), headers: jsonHeaders, payload: JSON.stringify(body), expect: 'reject' });
    };
    strategies.push(() => {
      // One property (or several) with a bad value.
      const body = baseBody();
      const n = r.int(1, 3);
      const labels: string[] = [];
      for (let i = 0; i < n && props.length; i++) {
        const [name, schema] = r.pick(props);
        const bad = badValuesFor(schema, r);
        if (!bad.length) continue;
        body[name] = r.pick(bad);
        labels.push(name);
      }
      sendBody(`bad ${labels.join(',')}`, body);
    });
    if (op.body.required?.length) {
      strategies.push(() => {
        const body = baseBody();
        delete body[r.pick(op.body!.required as string[])];
        sendBody('missing required', body);
      });
    }
    strategies.push(() => {
      // Unknown fields: ordinary names, names that target ORMs and query builders, pollution keys as JSON text.
      const body = baseBody();
      const key = r.pick([...UNKNOWN_KEYS, 'constructor', 'prototype']);
      body[key] = r.pick(typeSamples(r));
      sendBody(`unknown field ${key.slice(0, 20)}`, body);
    });
    strategies.push(() => {
      // __proto__ / constructor.prototype in the JSON text, at the top level or nested in any property.
      const base = JSON.stringify(baseBody());
      const inner = r.pick(['{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}', '{"a":{"__proto__":{"isAdmin":true}}}']);
      const name = props.length && r.bool() ? r.pick(props)[0] : r.pick(POLLUTION_KEYS);
      const text = base === '{}' ? `{"${name}":${inner}}` : `${base.slice(0, -1)},"${name}":${inner}}`;
      push(`pollution in ${name}`, { url: bodyPath(), headers: jsonHeaders, payload: r.bool(0.3) ? `{"__proto__":{"polluted":1},${text.slice(1)}` : text, expect: 'reject' });
    });
    strategies.push(() => {
      // Deep nesting: as a property value, as the whole body, as JSON text deeper than a naive recursive walk survives.
      const pick = r.int(0, 2);
      if (pick === 0 && props.length) {
        const body = baseBody();
        const [name] = r.pick(props);
        body[name] = deeplyNested(r.int(30, 600), r.string(6));
        // Free-form objects (config, configSchema) take any nesting: the template/JSON-Schema check must refuse it.
        sendBody(`deep ${name}`, body, /config/i.test(name) && !('apiKey' in (body[name] as object)));
      } else if (pick === 1) {
        push('deep body', { url: bodyPath(), headers: jsonHeaders, payload: JSON.stringify(deeplyNested(r.int(100, 2000))), expect: 'reject' });
      } else {
        push('deep JSON text', { url: bodyPath(), headers: jsonHeaders, payload: deeplyNestedJson(r.int(1000, 20000)), expect: 'reject' });
      }
    });
    strategies.push(() => {
      // The whole body of the wrong type.
      const v = r.pick([null, 0, 'x', true, [], [baseBody()], -1]);
      push(`body ${JSON.stringify(v).slice(0, 20)}`, { url: bodyPath(), headers: jsonHeaders, payload: JSON.stringify(v), expect: 'reject' });
    });
    // Free-form config objects: random keys and values without the template's required fields.
    const freeForm = props.filter(([, s]) => s.type === 'object' && !s.properties);
    if (freeForm.length) {
      strategies.push(() => {
        const body = baseBody();
        const [name] = r.pick(freeForm);
        const junk: Record<string, unknown> = {};
        for (let i = r.int(1, 8); i > 0; i--) junk[r.pick([r.string(8) || 'k', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '$ref', 'type', 'writeOnly'])] = r.pick(typeSamples(r));
        if (name === 'configSchema') junk.type = r.pick(['string', 'array', 'nope', 42, null]);
        body[name] = junk;
        sendBody(`junk ${name}`, body, true);
      });
    }
  }

  // Invalid JSON text and wrong content types, on any route that takes a body (and on bodiless POST/PUT/DELETE).
  const textPath = () => (op.body ? bodyPath() : op.pathParams.length ? badPath().url : op.path);
  if (op.body || op.method !== 'GET') {
    strategies.push(() => {
      const good = JSON.stringify(op.body ? baseBody() : {});
      const text = r.pick([
        good.slice(0, r.int(0, Math.max(0, good.length - 1))),
        `${good},`, `${good}}`, `{${good}`, good.replace(/"/g, "'"), '{"a":NaN}', '{"a":1,}', '// comment\n{}', '\ufeff{}',
        '{"a":"\\ud800"', '{"a":\u0000}', 'undefined', '{"a":1e99999}', r.string(30), '[', '{"a":[1,2', '{"a":"x"}garbage',
      ]);
      if (op.body && bodyValidator && (() => { try { return bodyValidator(JSON.parse(text)); } catch { return false; } })()) return;
      push(`invalid JSON ${JSON.stringify(text.slice(0, 20))}`, { url: textPath(), headers: jsonHeaders, payload: text, expect: 'reject' });
    });
    strategies.push(() => {
      const good = JSON.stringify(op.body ? baseBody() : {});
      const type = r.pick([
        'text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/json; charset=latin1',
        'application/json; charset=utf-16', 'application/jsonx', 'json', '*/*', 'application/octet-stream', '', 'application/json, text/plain',
      ]);
      // A bodiless side-effect route with a valid id would run: those use bad ids.
      const url = op.body ? bodyPath() : textPath();
      const headers: Record<string, string> = type ? { 'content-type': type } : {};
      // JSON with parameters is parsed as JSON (as UTF-8): give it a body that is invalid anyway. Other types
      // carry a valid JSON body that must be refused for its type.
      const jsonish = /^application\/json[;,]/.test(type);
      const payload = type.includes('form-urlencoded') ? 'a=1&__proto__[x]=1' : jsonish ? JSON.stringify({ ...(op.body ? baseBody() : {}), unexpectedField: 1 }) : good;
      push(`content-type ${type || '(none)'}`, { url, headers, payload, expect: op.body || url !== op.path ? 'reject' : 'tolerate' });
    });
    strategies.push(() => {
      // Over the body limit (512 KiB by default); slow to send, so rare.
      if (!r.bool(0.1)) return;
      const size = r.int(520, 900) * 1024;
      push(`huge body ${size}`, { url: textPath(), headers: jsonHeaders, payload: `{"name":"${'h'.repeat(size)}"}`, expect: 'reject' });
    });
  }

  if (!strategies.length) throw new Error(`no fuzz strategy for ${op.key}`);
  let guard = 0;
  while (out.length < count) {
    if (++guard > count * 50) throw new Error(`${op.key}: could only generate ${out.length} malformed cases`);
    // Huge bodies are slow to send: keep them rare.
    const s = r.pick(strategies);
    s();
  }
  return out.slice(0, count);
}

/** encodeURIComponent, with lone surrogates sent as the (invalid UTF-8) bytes ED A0 80. */
function enc(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return s.split('').map((ch) => {
      try {
        return encodeURIComponent(ch);
      } catch {
        return '%ED%A0%80';
      }
    }).join('');
  }
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
