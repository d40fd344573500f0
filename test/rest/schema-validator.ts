/**
 * A tiny JSON-schema subset validator for the trimmed Gemini response schemas in
 * test/fixtures/gemini-schemas: type (one or a list), properties, required, additionalProperties
 * (false only), items, enum, oneOf (exactly one branch must match). Returns the list of problems,
 * each with a JSON path; empty means valid.
 */

export interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: Schema;
  enum?: unknown[];
  oneOf?: Schema[];
}

function typeOf(v: unknown): string[] {
  if (v === null) return ['null'];
  if (Array.isArray(v)) return ['array'];
  if (typeof v === 'number') return Number.isInteger(v) ? ['integer', 'number'] : Number.isFinite(v) ? ['number'] : [];
  if (typeof v === 'object') return ['object'];
  return [typeof v];
}

export function validate(schema: Schema, value: unknown, path = '$'): string[] {
  const errors: string[] = [];
  if (schema.oneOf !== undefined) {
    const results = schema.oneOf.map((s) => validate(s, value, path));
    const matched = results.filter((r) => r.length === 0).length;
    if (matched !== 1) {
      errors.push(`${path}: matches ${matched} of the oneOf branches (need exactly 1)`);
      if (matched === 0) results.forEach((r, i) => errors.push(...r.map((e) => `  [oneOf ${i}] ${e}`)));
    }
  }
  if (schema.type !== undefined) {
    const wanted = Array.isArray(schema.type) ? schema.type : [schema.type];
    const actual = typeOf(value);
    if (!wanted.some((t) => actual.includes(t))) {
      errors.push(`${path}: expected ${wanted.join(' or ')}, got ${actual[0] ?? typeof value} (${JSON.stringify(value)})`);
      return errors;
    }
  }
  if (schema.enum !== undefined && !schema.enum.some((e) => e === value)) {
    errors.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  if (typeOf(value)[0] === 'object') {
    const obj = value as Record<string, unknown>;
    for (const k of schema.required ?? []) if (!(k in obj)) errors.push(`${path}: missing required field '${k}'`);
    const props = schema.properties ?? {};
    for (const [k, v] of Object.entries(obj)) {
      const ps = props[k];
      if (ps !== undefined) errors.push(...validate(ps, v, `${path}.${k}`));
      else if (schema.additionalProperties === false) errors.push(`${path}: unexpected field '${k}'`);
    }
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((v, i) => errors.push(...validate(schema.items!, v, `${path}[${i}]`)));
  }
  return errors;
}
