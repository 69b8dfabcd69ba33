/**
 * Adapter options as plain data: each vendor's manifest describes the options its adapter takes
 * (names, types, nesting, defaults), and this one pure check runs on them at synth time (the
 * constructs) and at cold start (the adapters), so both refuse the same thing with the same words.
 * A name the spec does not list is refused with the list of valid names: a misspelt option, at any
 * depth, never passes silently.
 */

export type OptionSpec = StringSpec | NumberSpec | BooleanSpec | StringListSpec | PathsSpec | ObjectSpec | MapSpec | VariantSpec;

export interface StringSpec {
  readonly type: 'string';
  /** The only values allowed. */
  readonly oneOf?: readonly string[];
  /** Accept '' (a prefix may be empty). @default false */
  readonly allowEmpty?: boolean;
  /** Texts the value must contain, each with why. */
  readonly mustContain?: ReadonlyArray<{ readonly text: string; readonly why: string }>;
  /** Texts of which the value must contain at least one, and why. */
  readonly mustContainOneOf?: { readonly texts: readonly string[]; readonly why: string };
  /** An absolute http(s) URL (after replacing `{placeholders}`). */
  readonly httpUrl?: boolean;
  /** An https URL only, and why (checked after `httpUrl`). */
  readonly httpsOnly?: { readonly why: string };
  /**
   * A placeholder (`{jobId}`) that, in the URL the value parses to, may stand only in the path or
   * the query: in the host, the userinfo or the fragment it would not tell one job from another
   * (a fragment is never sent; the host and the userinfo are not where an id is asked for).
   */
  readonly inPathOrQuery?: string;
  /** A regular expression (its source) the whole value must match, and what to use when it does not. */
  readonly pattern?: { readonly regex: string; readonly use: string };
  readonly default?: string;
}

export interface NumberSpec {
  readonly type: 'number';
  readonly min?: number;
  readonly max?: number;
  /** Named in the message, e.g. 'seconds'. */
  readonly unit?: string;
  readonly default?: number;
}

export interface BooleanSpec {
  readonly type: 'boolean';
  readonly default?: boolean;
}

/** A non-empty list of non-empty strings (field names). */
export interface StringListSpec {
  readonly type: 'strings';
  readonly default?: readonly string[];
}

/** A dotted JSON path (`data.job.id`), or a non-empty list of them (first match wins). */
export interface PathsSpec {
  readonly type: 'paths';
}

export interface ObjectSpec {
  readonly type: 'object';
  readonly properties: Readonly<Record<string, OptionSpec>>;
  readonly required?: readonly string[];
  /** Names required when another option contains a text: `{ timestampHeader: { option: 'template', contains: '{timestamp}' } }`. */
  readonly requiredWhen?: Readonly<Record<string, { readonly option: string; readonly contains: string }>>;
  /**
   * Names allowed only when another option (or its default) contains a text, because they do
   * nothing otherwise: `{ timestampHeader: { option: 'template', contains: '{timestamp}', example: '{timestamp}.{body}' } }`.
   */
  readonly onlyWith?: Readonly<Record<string, { readonly option: string; readonly contains: string; readonly example?: string }>>;
  /**
   * Names whose text must contain another option's value written into `as` (`%s` stands for it),
   * compared without case: `{ template: { option: 'accountHeader', as: '{header:%s}', why } }`.
   */
  readonly mustMention?: Readonly<Record<string, { readonly option: string; readonly as: string; readonly why: string }>>;
}

/** An object whose keys are free (a vendor's status words), each value checked by `values`. */
export interface MapSpec {
  readonly type: 'map';
  readonly values: OptionSpec;
}

/** One of several object shapes, told apart by the string in `tag` (`auth.type`). */
export interface VariantSpec {
  readonly type: 'variant';
  readonly tag: string;
  readonly variants: Readonly<Record<string, ObjectSpec>>;
}

/**
 * The options a spec accepts, as a TypeScript type: what lib/ maps its typed options to
 * (`OptionsOf<typeof syncManifest.options>`), so that a name the manifest does not list, or a value
 * of another type, fails to compile instead of failing the synth. A `oneOf` string is the union of
 * its values; a `variant` the union of its shapes, each with its tag.
 */
export type OptionsOf<S extends OptionSpec> = S extends StringSpec
  ? S extends { readonly oneOf: ReadonlyArray<infer V> } ? V : string
  : S extends NumberSpec ? number
  : S extends BooleanSpec ? boolean
  : S extends StringListSpec ? readonly string[]
  : S extends PathsSpec ? string | readonly string[]
  : S extends ObjectSpec ? ObjectOptionsOf<S>
  : S extends MapSpec ? { readonly [key: string]: OptionsOf<S['values']> }
  : S extends VariantSpec ? { [T in keyof S['variants'] & string]: VariantOptionsOf<S['variants'][T], S['tag'], T> }[keyof S['variants'] & string]
  : never;

/** The names an object spec requires. */
type RequiredOf<S extends ObjectSpec> = S extends { readonly required: ReadonlyArray<infer R> } ? R : never;

type ObjectOptionsOf<S extends ObjectSpec> = Flat<
  { readonly [K in keyof S['properties'] as K extends RequiredOf<S> ? K : never]: OptionsOf<S['properties'][K]> } & {
    readonly [K in keyof S['properties'] as K extends RequiredOf<S> ? never : K]?: OptionsOf<S['properties'][K]>;
  }
>;

/** One shape of a variant: its object's options, the tag set to its name. */
type VariantOptionsOf<S extends ObjectSpec, Tag extends string, Name extends string> = Flat<Omit<ObjectOptionsOf<S>, Tag> & { readonly [K in Tag]: Name }>;

/** An intersection written out as one object type (the compiler's messages name its fields). */
type Flat<T> = { [K in keyof T]: T[K] } & {};

/** A tolerance or a delay in whole or fractional seconds, at least 0. */
export const SECONDS: NumberSpec = { type: 'number', min: 0, unit: 'seconds' };

/**
 * What is wrong with `value` under `spec`, as one sentence that names the option's path and says
 * what to use; undefined when nothing is. `path` prefixes every name (`adapterOptions`).
 */
export function optionsProblem(spec: OptionSpec, value: unknown, path = ''): string | undefined {
  switch (spec.type) {
    case 'string':
      return stringProblem(spec, value, path);
    case 'number': {
      const range = spec.max === undefined ? `at least ${spec.min ?? 0}` : `from ${spec.min ?? 0} to ${spec.max}`;
      const ok = typeof value === 'number' && Number.isFinite(value) && value >= (spec.min ?? -Infinity) && value <= (spec.max ?? Infinity);
      return ok ? undefined : `${path} is ${show(value)}: use a number${spec.unit ? ` of ${spec.unit}` : ''}, ${range}${defaultText(spec.default)}`;
    }
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${path} is ${show(value)}: use true or false${defaultText(spec.default)}`;
    case 'strings': {
      const ok = Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v !== '');
      const example = spec.default ? `, e.g. ${JSON.stringify(spec.default)}` : '';
      return ok ? undefined : `${path} is ${show(value)}: use a non-empty list of field names${example}`;
    }
    case 'paths': {
      const ok = typeof value === 'string' ? value !== '' : Array.isArray(value) && value.length > 0 && value.every((p) => typeof p === 'string' && p !== '');
      return ok ? undefined : `${path} is ${show(value)}: use a dotted path such as "data.id", or a list of them`;
    }
    case 'object':
      return objectProblem(spec, value, path);
    case 'map': {
      if (!isPlainObject(value)) return `${path} is ${show(value)}: use an object`;
      for (const [key, v] of Object.entries(value)) {
        const problem = optionsProblem(spec.values, v, join(path, key));
        if (problem) return problem;
      }
      return undefined;
    }
    case 'variant': {
      const tags = Object.keys(spec.variants);
      const tag = isPlainObject(value) ? value[spec.tag] : undefined;
      if (typeof tag !== 'string' || !Object.prototype.hasOwnProperty.call(spec.variants, tag)) {
        return `${join(path, spec.tag)} is ${show(tag)}: use ${tags.map((t) => `'${t}'`).join(' or ')}`;
      }
      return objectProblem(spec.variants[tag], value, path, `${tag} ${path.split('.').pop() || 'options'}`);
    }
  }
}

/** `value` with the defaults of `spec` filled in, one level deep (for adapters). */
export function withDefaults<T extends object>(spec: ObjectSpec, value: T): T {
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [name, s] of Object.entries(spec.properties)) {
    if (out[name] === undefined && 'default' in s && s.default !== undefined) out[name] = s.default;
  }
  return out as T;
}

function objectProblem(spec: ObjectSpec, value: unknown, path: string, what?: string): string | undefined {
  if (!isPlainObject(value)) return `${path || 'options'} is ${show(value)}: use an object with ${Object.keys(spec.properties).join(', ')}`;
  const names = Object.keys(spec.properties);
  for (const name of Object.keys(value)) {
    if (!Object.prototype.hasOwnProperty.call(spec.properties, name)) {
      return `${join(path, name)} is not an option${what ? ` of ${what}` : ''}: use ${names.join(', ')}`;
    }
  }
  for (const name of spec.required ?? []) {
    if (value[name] === undefined || value[name] === '') return `${join(path, name)} is required${what ? ` for ${what}` : ''}`;
  }
  for (const [name, when] of Object.entries(spec.requiredWhen ?? {})) {
    const other = value[when.option];
    if (value[name] === undefined && typeof other === 'string' && other.includes(when.contains)) {
      return `${join(path, when.option)} uses ${when.contains}: set ${join(path, name)}`;
    }
  }
  for (const [name, rule] of Object.entries(spec.onlyWith ?? {})) {
    if (value[name] === undefined) continue;
    const given = value[rule.option];
    const fallback = spec.properties[rule.option];
    const other = given ?? (fallback && 'default' in fallback ? fallback.default : undefined);
    if (typeof other === 'string' && other.includes(rule.contains)) continue;
    const shownOther = other === undefined ? 'is not set and' : `${JSON.stringify(other)}${given === undefined ? ' (the default)' : ''}`;
    const example = rule.example ? ` (e.g. ${JSON.stringify(rule.example)})` : '';
    return `${join(path, name)} is set but ${join(path, rule.option)} ${shownOther} does not use ${rule.contains}, so ${join(path, name)} would be ignored: put ${rule.contains} in ${join(path, rule.option)}${example}, or remove ${join(path, name)}`;
  }
  for (const name of names) {
    if (value[name] === undefined) continue;
    const problem = optionsProblem(spec.properties[name], value[name], join(path, name));
    if (problem) return problem;
  }
  for (const [name, rule] of Object.entries(spec.mustMention ?? {})) {
    const text = value[name];
    const other = value[rule.option];
    if (typeof text !== 'string' || typeof other !== 'string') continue;
    const mention = rule.as.replace('%s', other.toLowerCase());
    if (!text.toLowerCase().includes(mention.toLowerCase())) return `${join(path, name)} must contain ${mention} (${join(path, rule.option)}): ${rule.why}`;
  }
  return undefined;
}

function stringProblem(spec: StringSpec, value: unknown, path: string): string | undefined {
  if (spec.oneOf) {
    return typeof value === 'string' && spec.oneOf.includes(value) ? undefined : `${path} is ${show(value)}: use ${spec.oneOf.map((v) => `'${v}'`).join(' or ')}`;
  }
  if (typeof value !== 'string' || (!spec.allowEmpty && value.trim() === '')) {
    return `${path} is ${show(value)}: use a ${spec.allowEmpty ? '' : 'non-empty '}string${defaultText(spec.default)}`;
  }
  for (const { text, why } of spec.mustContain ?? []) {
    if (!value.includes(text)) return `${path} ${JSON.stringify(value)} must contain ${text}${why ? `: ${why}` : ''}`;
  }
  const oneOf = spec.mustContainOneOf;
  if (oneOf && !oneOf.texts.some((text) => value.includes(text))) return `${path} ${JSON.stringify(value)} must contain one of ${oneOf.texts.join(', ')}: ${oneOf.why}`;
  if (spec.httpUrl && (!/^https?:\/\/[^/\s]+/i.test(value) || !URL.canParse(value.replace(/\{[^}]*\}/g, 'x')))) {
    return `${path} ${value} is not an absolute http(s) URL`;
  }
  if (spec.httpsOnly && !/^https:\/\//i.test(value)) return `${path} ${value} is not an https URL: ${spec.httpsOnly.why}`;
  if (spec.pattern && !new RegExp(spec.pattern.regex).test(value)) return `${path} is ${show(value)}: ${spec.pattern.use}`;
  const misplaced = spec.inPathOrQuery ? placeholderOutsidePathOrQuery(value, spec.inPathOrQuery) : undefined;
  if (misplaced) {
    return `${path} ${JSON.stringify(value)} has ${spec.inPathOrQuery} in the ${misplaced}: put each ${spec.inPathOrQuery} in the path or the query (elsewhere every job would be polled at one URL, and its answer published for every job)`;
  }
  return undefined;
}

/** Lower-case letters only: the URL parser leaves them as they are in every part, the host included. */
const PLACEHOLDER_MARK = 'vwplaceholdermark';

/**
 * Where in the URL `template` parses to a `placeholder` sits outside the path and the query
 * ('host', 'userinfo' or 'fragment'), or undefined when none does (or the URL does not parse:
 * `httpUrl` says so).
 */
function placeholderOutsidePathOrQuery(template: string, placeholder: string): string | undefined {
  const text = template.split(placeholder).join(PLACEHOLDER_MARK).replace(/\{[^}]*\}/g, 'x');
  if (!URL.canParse(text)) return undefined;
  const url = new URL(text);
  const parts: Array<[string, string]> = [
    ['host', url.host],
    ['userinfo', `${url.username}:${url.password}`],
    ['fragment', url.hash],
  ];
  return parts.find(([, part]) => part.includes(PLACEHOLDER_MARK))?.[0];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

function show(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value) ?? String(value);
}

function defaultText(value: unknown): string {
  return value === undefined ? '' : ` (default ${JSON.stringify(value)})`;
}
