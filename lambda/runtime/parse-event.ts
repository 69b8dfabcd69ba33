/**
 * For consumers: turn an SQS message from the events queue into a typed, validated event.
 * Validation uses the published JSON Schema (schema/video-job-event.schema.json), so the schema
 * file and this helper can never disagree: `npm run build` compiles the schema with ajv into
 * ./event-validator.generated.ts (ajv standalone code), and nothing compiles a schema at run time.
 */
import schema from '../../schema/video-job-event.schema.json';
import { isTerminal, type VideoJobEvent, type VideoJobStatus } from '../core/event';
import generatedValidator from './event-validator.generated';

export class InvalidVideoJobEventError extends Error {
  constructor(
    message: string,
    /** The schema violations, as `path: message`. */
    readonly problems: readonly string[],
  ) {
    super(message);
    this.name = 'InvalidVideoJobEventError';
  }
}

/** Anything carrying the message body: an SQS Lambda record (`body`), an SDK message (`Body`), a string or parsed JSON. */
export type VideoJobEventInput = { readonly body: string } | { readonly Body?: string } | string | object;

/** The precompiled validator: true when the value matches the schema, else false with `errors` set (ajv's error objects). */
interface CompiledValidator {
  (value: unknown): boolean;
  errors?: ReadonlyArray<{ readonly instancePath: string; readonly message?: string }> | null;
}

const validator = generatedValidator as CompiledValidator;

/** Validates a message and returns the typed event, or throws InvalidVideoJobEventError saying what is wrong. */
export function parseVideoJobEvent(input: VideoJobEventInput): VideoJobEvent {
  const value = toJson(input);
  if (!validator(value)) {
    const problems = (validator.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? 'invalid'}`);
    throw new InvalidVideoJobEventError(`not a video job event: ${problems.slice(0, 5).join('; ')}`, problems);
  }
  const event = value as VideoJobEvent;
  if (event.type !== `video.job.${event.data.status}` || event.data.terminal !== isTerminal(event.data.status as VideoJobStatus)) {
    throw new InvalidVideoJobEventError('not a video job event: type, data.status and data.terminal disagree', ['/type']);
  }
  return event;
}

/** The JSON Schema of the event, as an object. */
export const videoJobEventSchema: object = schema;

function toJson(input: VideoJobEventInput): unknown {
  let text: unknown = input;
  if (input !== null && typeof input === 'object') {
    if ('body' in input && typeof input.body === 'string') text = input.body;
    else if ('Body' in input && typeof input.Body === 'string') text = input.Body;
    else return input;
  }
  if (typeof text !== 'string') throw new InvalidVideoJobEventError('not a video job event: no message body', ['/']);
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidVideoJobEventError('not a video job event: the body is not JSON', ['/']);
  }
}
