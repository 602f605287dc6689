import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

/**
 * Validates response bodies against an OpenAPI 3.0 document (here Okta's published management spec)
 * with Ajv. OpenAPI 3.0 schemas are not quite JSON Schema, so the document is rewritten first:
 * - `nullable: true` → the type (or enum) also admits null; `nullable: false` is dropped;
 * - `discriminator` (not validated by Ajv outside its narrow oneOf form) → for each mapping entry an
 *   `if {prop: const v} then {$ref target}`, so a push factor is checked as UserFactorPush. For the
 *   inheritance style (base schema carries the discriminator, targets `allOf` the base) the targets
 *   point at a copy of the base without the discriminator, which keeps validation finite. Mapping keys
 *   that never appear on the wire (the spec's "WAITING (with number matching challenge)") just never fire;
 * - `readOnly`/`writeOnly`/`example`/`x-*` are annotations (strict mode off);
 * - formats Ajv does not know (int32, password…) are accepted as annotations.
 * `requiredOverlay` adds `required` lists: the published spec marks almost no response field as
 * required, so without it "a field went missing" would not fail; the overlay names what real Okta
 * always sends (per the spec's own examples) and what the SDK and adapter read.
 */
export interface ResponseValidator {
  /** Errors (empty when valid) of `body` for `operationId`'s `status` response. */
  validate(operationId: string, status: number, body: unknown): string[];
  /** Errors of `body` against `#/components/schemas/<name>`. */
  validateSchema(name: string, body: unknown): string[];
}

type Node = Record<string, unknown>;
const SCHEMA_PREFIX = '#/components/schemas/';
const DOC_ID = 'okta-spec.json';

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

function rewriteNullable(node: Node): void {
  // `nullable: false` is the default; left in place, Ajv rejects it beside no `type` (the app schemas have some).
  if (node.nullable === false) delete node.nullable;
  if (node.nullable !== true) return;
  delete node.nullable;
  if (typeof node.type === 'string') {
    node.type = [node.type, 'null'];
    if (Array.isArray(node.enum)) node.enum = [...(node.enum as unknown[]), null];
  } else {
    const copy = { ...node };
    for (const key of Object.keys(node)) delete node[key];
    node.anyOf = [copy, { type: 'null' }];
  }
}

function walk(value: unknown, visit: (node: Node) => void): void {
  if (Array.isArray(value)) for (const v of value) walk(v, visit);
  else if (isNode(value)) {
    for (const v of Object.values(value)) walk(v, visit);
    visit(value);
  }
}

function discriminatorBranches(discriminator: Node): Node[] {
  const prop = discriminator.propertyName as string;
  const mapping = (isNode(discriminator.mapping) ? discriminator.mapping : {}) as Record<string, string>;
  return Object.entries(mapping).map(([value, ref]) => ({
    if: { type: 'object', properties: { [prop]: { const: value } }, required: [prop] },
    then: { $ref: ref },
  }));
}

function rewriteDiscriminators(schemas: Record<string, Node>): void {
  // Inheritance style first (named component schemas whose discriminator sits beside plain properties).
  for (const [name, schema] of Object.entries({ ...schemas })) {
    const disc = schema.discriminator;
    if (!isNode(disc) || schema.oneOf || schema.anyOf) continue;
    const baseName = `${name}__base`;
    const { discriminator: _dropped, ...base } = schema;
    schemas[baseName] = base;
    const baseRef = `${SCHEMA_PREFIX}${name}`;
    for (const ref of Object.values((disc.mapping ?? {}) as Record<string, string>)) {
      const target = schemas[ref.slice(SCHEMA_PREFIX.length)];
      if (!target) continue;
      walk(target, (n) => {
        if (n.$ref === baseRef) n.$ref = `${SCHEMA_PREFIX}${baseName}`;
      });
    }
    for (const key of Object.keys(schema)) delete schema[key];
    schema.allOf = [{ $ref: `${SCHEMA_PREFIX}${baseName}` }, ...discriminatorBranches(disc)];
  }
}

function rewriteOneOfDiscriminators(doc: unknown): void {
  walk(doc, (node) => {
    const disc = node.discriminator;
    if (!isNode(disc)) return;
    delete node.discriminator;
    const alternatives = (node.oneOf ?? node.anyOf) as unknown;
    if (!Array.isArray(alternatives)) return;
    // oneOf would fail when loose alternatives both match (StandardRole vs CustomRole): the mapping decides instead.
    delete node.oneOf;
    node.anyOf = alternatives;
    node.allOf = [...((node.allOf as unknown[]) ?? []), ...discriminatorBranches(disc)];
  });
}

/** Keeps `content[type].schema` of response objects: examples hold arbitrary JSON (even `$id`) that Ajv must not read as schema. */
function onlySchemas(responses: unknown): Record<string, Node> {
  const out: Record<string, Node> = {};
  for (const [name, response] of Object.entries(isNode(responses) ? responses : {})) {
    if (!isNode(response)) continue;
    if (typeof response.$ref === 'string') {
      out[name] = { $ref: response.$ref };
      continue;
    }
    const content: Record<string, Node> = {};
    for (const [type, media] of Object.entries(isNode(response.content) ? response.content : {})) {
      if (isNode(media) && media.schema !== undefined) content[type] = { schema: media.schema };
    }
    out[name] = { content };
  }
  return out;
}

function pathSchemas(paths: unknown): Record<string, Record<string, Node>> {
  const out: Record<string, Record<string, Node>> = {};
  for (const [path, item] of Object.entries(isNode(paths) ? paths : {})) {
    out[path] = {};
    for (const [method, op] of Object.entries(isNode(item) ? item : {})) {
      if (isNode(op) && isNode(op.responses)) (out[path] as Record<string, Node>)[method] = { responses: onlySchemas(op.responses) };
    }
  }
  return out;
}

function pointer(segments: string[]): string {
  return `#/${segments.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

export interface ResponseValidatorOptions {
  /** Extra `required` lists per component schema name (see above). */
  requiredOverlay?: Record<string, string[]>;
  /** Fixes for known errors in the spec, applied to `components.schemas` before anything else. */
  patch?: (schemas: Record<string, Record<string, unknown>>) => void;
}

export function createResponseValidator(specPath: string, options: ResponseValidatorOptions = {}): ResponseValidator {
  const requiredOverlay = options.requiredOverlay ?? {};
  const doc = YAML.parse(readFileSync(specPath, 'utf8'), { maxAliasCount: -1 }) as Node;
  const components = doc.components as Node;
  const schemas = components.schemas as Record<string, Node>;
  options.patch?.(schemas);
  for (const [name, fields] of Object.entries(requiredOverlay)) {
    const schema = schemas[name];
    if (!schema) throw new Error(`requiredOverlay names unknown schema ${name}`);
    schema.required = [...new Set([...((schema.required as string[]) ?? []), ...fields])];
  }
  walk(doc, rewriteNullable);
  rewriteDiscriminators(schemas);
  rewriteOneOfDiscriminators(doc);

  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  const formats = new Set<string>();
  walk(doc, (n) => {
    if (typeof n.format === 'string') formats.add(n.format);
  });
  for (const f of formats) if (!ajv.formats[f]) ajv.addFormat(f, true);
  ajv.addSchema({ $id: DOC_ID, components: { schemas, responses: onlySchemas(components.responses) }, paths: pathSchemas(doc.paths) });

  const operations = new Map<string, string[]>();
  for (const [path, item] of Object.entries(doc.paths as Record<string, Node>)) {
    for (const [method, op] of Object.entries(item)) {
      if (isNode(op) && typeof op.operationId === 'string') operations.set(op.operationId, ['paths', path, method]);
    }
  }
  const cache = new Map<string, ValidateFunction>();
  const compiled = (ref: string): ValidateFunction => {
    let fn = cache.get(ref);
    if (!fn) {
      fn = ajv.compile({ $ref: `${DOC_ID}${ref}` });
      cache.set(ref, fn);
    }
    return fn;
  };
  const run = (fn: ValidateFunction, body: unknown): string[] => (fn(body) ? [] : (fn.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`));

  return {
    validateSchema: (name, body) => run(compiled(`${SCHEMA_PREFIX}${name}`), body),
    validate(operationId, status, body) {
      const opPath = operations.get(operationId);
      if (!opPath) throw new Error(`no operation ${operationId} in the spec`);
      const [, path, method] = opPath as [string, string, string];
      const responses = ((doc.paths as Record<string, Record<string, Node>>)[path]?.[method]?.responses ?? {}) as Record<string, Node>;
      let response = responses[String(status)];
      if (!response) return [`the spec declares no ${status} response for ${operationId}`];
      let responsePointer = pointer(['paths', path, method, 'responses', String(status)]);
      if (typeof response.$ref === 'string') {
        responsePointer = response.$ref;
        response = (components.responses as Record<string, Node>)[response.$ref.split('/').pop() ?? ''] ?? {};
      }
      const content = response.content as Record<string, Node> | undefined;
      if (!content || !content['application/json']?.schema) {
        return body === undefined || body === '' ? [] : [`${operationId} ${status} has no body in the spec but got ${JSON.stringify(body).slice(0, 80)}`];
      }
      return run(compiled(`${responsePointer}/content/application~1json/schema`), body);
    },
  };
}
