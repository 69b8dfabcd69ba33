/**
 * The size a synthesized value takes once CloudFormation has resolved it, for the checks of AWS's
 * byte limits at synth (a function's environment, a queue policy). A value known only at deploy
 * time (a Ref, a Fn::GetAtt) is counted as DEPLOY_TIME_VALUE_BYTES, so a value that passes fits.
 */

/**
 * How many bytes a value known only at deploy time (a queue URL, a secret ARN, a table name, a
 * role ARN) is counted as: more than most are (a queue URL is at most about 135 characters, a
 * generated name or a created secret's ARN about 60 to 110, a generated role's ARN about 100).
 */
export const DEPLOY_TIME_VALUE_BYTES = 128;

export interface RenderedSize {
  readonly bytes: number;
  /** How many values known only at deploy time were counted as DEPLOY_TIME_VALUE_BYTES. */
  readonly deployTime: number;
}

/** A resolved string value's size: a literal's bytes, a join's parts, any other intrinsic counted as DEPLOY_TIME_VALUE_BYTES. */
export function renderedStringSize(value: unknown): RenderedSize {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return { bytes: Buffer.byteLength(String(value)), deployTime: 0 };
  const join = (value as { 'Fn::Join'?: unknown } | null)?.['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const parts = (join[1] as unknown[]).map(renderedStringSize);
    return {
      bytes: parts.reduce((n, p) => n + p.bytes, 0) + Buffer.byteLength(join[0]) * Math.max(0, parts.length - 1),
      deployTime: parts.reduce((n, p) => n + p.deployTime, 0),
    };
  }
  return { bytes: DEPLOY_TIME_VALUE_BYTES, deployTime: 1 };
}

/** A resolved JSON document's size as compact JSON (as CloudFormation passes a policy document), each intrinsic taken as a string of its rendered size. */
export function renderedJsonSize(document: unknown): RenderedSize {
  let deployTime = 0;
  const render = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(render);
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
      const size = renderedStringSize(value);
      deployTime += size.deployTime;
      return 'x'.repeat(size.bytes);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v)]));
  };
  return { bytes: Buffer.byteLength(JSON.stringify(render(document))), deployTime };
}
