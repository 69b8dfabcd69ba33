/**
 * The `pendingTerminal` attribute: the JSON of a claimed terminal event (exactly the message the
 * queue gets), raw-deflated with a preset dictionary made of what the item holds already (its key's
 * vendor and job id, its `terminalEventId`) and of the event format's fixed parts. About 40% of a
 * deflated event was its envelope (the id, source, type, subject, the data's names), which
 * repeats the record; with the dictionary, a realistic terminal event of every built-in vendor
 * fits beside the record in the 1 KB of one write unit (the item's size is its attribute names
 * plus values, binary at its raw length:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html).
 *
 * Records written before the dictionary (deflated without one) still read: a raw deflate stream
 * made without a dictionary never refers back past its own start, so inflating it with one gives
 * the same bytes. The dictionary must be rebuilt from the same values as it was made with, or the
 * bytes read differ silently (raw deflate has no check): it takes only the key, which never
 * changes, and the terminal event id, which is written with the event and never replaced
 * (core/delivery.ts); the core still checks the event it reads against the record (vouchedFor).
 * A version before this one reading such an item fails to inflate it and treats it as not kept:
 * the job is then recovered by its terminal status arriving again, as for an event too large to keep.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/** The attribute's bytes for the terminal event `json` of job `vendor`/`jobId`, whose id is `eventId`. */
export function encodePendingTerminal(vendor: string, jobId: string, eventId: string, json: string): Buffer {
  return deflateRawSync(Buffer.from(json, 'utf8'), { dictionary: dictionaryFor(vendor, jobId, eventId) });
}

/** The JSON kept in the attribute, or null when it cannot be read (then treated as not kept). */
export function decodePendingTerminal(vendor: string, jobId: string, eventId: string, bytes: Uint8Array): string | null {
  try {
    return inflateRawSync(bytes, { dictionary: dictionaryFor(vendor, jobId, eventId) }).toString('utf8');
  } catch {
    return null;
  }
}

/**
 * The start of a terminal event's JSON as core/event.ts builds it, with the record's values in
 * it. Deflate finds matches anywhere in its 32 KiB window, and nearer ones cost less, so the
 * strings most events share come last.
 */
function dictionaryFor(vendor: string, jobId: string, eventId: string): Buffer {
  const job = JSON.stringify(jobId);
  return Buffer.from(
    '"status":"failed","terminal":true,"status":"cancelled","status":"expired","progress":null,"media":{"durationSeconds":null,"width":null,"height":null,"fileSizeBytes":null,"thumbnailUrl":null,"captions":{"srt":null,"vtt":null}},"error":{"message":"' +
      `{"specversion":"1.0","id":"${eventId}","source":"video-webhooks/${vendor}","type":"video.job.succeeded","subject":${job},"time":"","datacontenttype":"application/json",` +
      `"data":{"vendor":"${vendor}","jobId":${job},"status":"succeeded","terminal":true,"progress":1,"stage":null,"outputUrl":"https://","media":null,"error":null,"vendorEventType":null,"vendorStatus":null,"receivedVia":"webhook","receivedAt":"","raw":{"`,
    'utf8',
  );
}
