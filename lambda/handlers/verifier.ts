/**
 * The verifier Lambda: one per vendor, behind `POST /webhooks/{vendor}` of the HTTP API (payload
 * format 2.0). Thin: decode the request, run the core, encode the answer.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { verifierFromEnv } from '../composition/lambda';
import { rawRequest, toHttpResponse } from '../core/http';
import { handleWebhook } from '../core/webhook';

// Built once per container.
const { vendorId, deps, telemetry } = verifierFromEnv(process.env);

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const pathVendor = event.pathParameters?.vendor ?? lastPathSegment(event.rawPath);
  const vendor = pathVendor === undefined || pathVendor === vendorId ? vendorId : pathVendor;
  try {
    const answer = await handleWebhook(vendor, rawRequest(event.headers, event.body, event.isBase64Encoded, event.queryStringParameters), deps);
    return toHttpResponse(answer);
  } finally {
    telemetry.flush();
  }
}

function lastPathSegment(path: string | undefined): string | undefined {
  if (!path) return undefined;
  const segment = path.split('/').filter(Boolean).pop();
  try {
    return segment === undefined ? undefined : decodeURIComponent(segment);
  } catch {
    return segment; // malformed escape: compared as is, so it answers 404
  }
}
