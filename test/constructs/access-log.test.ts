/**
 * The API's JSON access log stays JSON whatever a caller sends, so the metric filters that count
 * 5xx and 429 answers see every such line. API Gateway substitutes `$context` variables into the
 * format as they are, without escaping (nothing in the variable reference says otherwise:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html),
 * and CloudWatch Logs matches a JSON filter pattern only on log events that parse as JSON
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html).
 *
 * The format and the filter patterns are read from the synthesized template; each `$context`
 * variable is replaced the way API Gateway would: free text a caller or a backend controls gets a
 * hostile value (a `"` and a `\`), the others a realistic one. The filter patterns are evaluated by
 * the small evaluator below, which understands exactly the JSON patterns the filters use
 * (`{ A && B }` of `$.field <op> number` and `$.field = "string"`) and throws on anything else.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { exampleStack, largeStack } from '../support/apps';

/** Variables whose value a caller (headers, path) or a backend (error text) chooses: never escaped. */
const FREE_TEXT = new Set([
  '$context.identity.userAgent',
  '$context.path',
  '$context.integrationErrorMessage',
  '$context.integration.error',
  '$context.error.message',
  '$context.error.messageString',
  '$context.authorizer.error',
  '$context.identity.caller',
  '$context.identity.user',
  '$context.identity.userArn',
  '$context.identity.clientCert.subjectDN',
  '$context.identity.clientCert.issuerDN',
  '$context.domainName',
  '$context.domainPrefix',
]);
const HOSTILE = 'curl/8 "quoted" \\ back\\slash';

/** Values API Gateway gives the other variables (their documented form), for a request answered `status`. */
function realistic(variable: string, status: number): string | undefined {
  const values: Record<string, string> = {
    '$context.requestId': 'Q1e2Rg0OIAMEbSg=',
    '$context.extendedRequestId': 'Q1e2Rg0OIAMEbSg=',
    '$context.requestTime': '12/Mar/2025:10:15:30 +0000',
    '$context.requestTimeEpoch': '1741774530123',
    '$context.identity.sourceIp': '203.0.113.7',
    '$context.httpMethod': 'POST',
    '$context.protocol': 'HTTP/1.1',
    '$context.routeKey': 'POST /webhooks/sync',
    '$context.stage': '$default',
    '$context.apiId': 'a1b2c3d4e5',
    '$context.accountId': '123456789012',
    '$context.status': String(status),
    '$context.responseLength': '27',
    '$context.responseLatency': '41',
    '$context.integrationStatus': status === 429 ? '-' : '200',
    '$context.integration.status': status === 429 ? '-' : String(status),
    '$context.integration.integrationStatus': status === 429 ? '-' : '200',
    '$context.integrationLatency': status === 429 ? '-' : '37',
    '$context.integration.latency': status === 429 ? '-' : '37',
    '$context.dataProcessed': '512',
  };
  return values[variable];
}

/** The line API Gateway writes for one request: every `$context` variable of the format substituted. */
function render(format: string, status: number): string {
  return format.replace(/\$context\.[A-Za-z0-9.]*[A-Za-z0-9]/g, (variable) => {
    if (FREE_TEXT.has(variable)) return HOSTILE;
    const value = realistic(variable, status);
    if (value === undefined) throw new Error(`the access-log format uses ${variable}, which this test does not know: classify it as free text or give it a realistic value`);
    return value;
  });
}

type Condition = (doc: Record<string, unknown>) => boolean;

/**
 * Evaluates a CloudWatch Logs JSON filter pattern of the shape the metric filters use. A log event
 * that is not JSON matches no JSON pattern. Anything beyond `{ c1 && c2 ... }` with `$.field <op>
 * <number>` or `$.field = "<string>"` (parenthesized or not) is refused rather than guessed at.
 */
function matches(pattern: string, line: string): boolean {
  const body = /^\{\s*(.*?)\s*\}$/.exec(pattern.trim());
  if (!body) throw new Error(`not a JSON filter pattern: ${pattern}`);
  const conditions: Condition[] = body[1].split('&&').map((part) => condition(part.trim().replace(/^\((.*)\)$/, '$1').trim(), pattern));
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch {
    return false;
  }
  if (doc === null || typeof doc !== 'object') return false;
  return conditions.every((c) => c(doc as Record<string, unknown>));
}

function condition(text: string, pattern: string): Condition {
  const numeric = /^\$\.([A-Za-z0-9_]+)\s*(>=|<=|!=|=|>|<)\s*(-?\d+(?:\.\d+)?)$/.exec(text);
  if (numeric) {
    const [, field, op, literal] = numeric;
    const n = Number(literal);
    return (doc) => {
      const v = doc[field];
      if (typeof v !== 'number') return false;
      return op === '>=' ? v >= n : op === '<=' ? v <= n : op === '>' ? v > n : op === '<' ? v < n : op === '=' ? v === n : v !== n;
    };
  }
  const string = /^\$\.([A-Za-z0-9_]+)\s*=\s*"([^"*\\]*)"$/.exec(text);
  if (string) {
    const [, field, literal] = string;
    return (doc) => doc[field] === literal;
  }
  throw new Error(`the evaluator does not understand "${text}" in ${pattern}`);
}

describe.each([exampleStack(), largeStack()].map((app) => [app.name, app] as const))('the access log of the %s', (_name, app) => {
  const template = Template.fromStack(app.stack);
  const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0];
  const format = (stage.Properties as { AccessLogSettings: { Format: string } }).AccessLogSettings.Format;
  const filters = Object.values(template.findResources('AWS::Logs::MetricFilter')).map((r) => {
    const p = r.Properties as { FilterPattern: string; MetricTransformations: Array<{ MetricName: string }> };
    return { pattern: p.FilterPattern, metric: p.MetricTransformations[0].MetricName };
  });
  const matched = (status: number) => filters.filter((f) => matches(f.pattern, render(format, status))).map((f) => f.metric).sort();

  it.each([200, 401, 429, 500, 502, 503])('stays valid JSON for a %d answer when the caller sends quotes and backslashes', (status) => {
    const line = render(format, status);
    expect(() => JSON.parse(line)).not.toThrow();
    expect((JSON.parse(line) as { status: unknown }).status).toBe(status);
  });

  it('counts a 500 and a 502 as server errors, a 429 as throttled, and nothing else, with hostile text in the line', () => {
    expect(filters.map((f) => f.metric).sort()).toEqual(['ApiServerErrors', 'ApiThrottled']);
    expect({ 500: matched(500), 502: matched(502), 429: matched(429), 503: matched(503), 200: matched(200), 401: matched(401) }).toEqual({
      500: ['ApiServerErrors'],
      502: ['ApiServerErrors'],
      429: ['ApiThrottled'],
      503: [],
      200: [],
      401: [],
    });
  });

  it('has an evaluator that refuses what it does not understand (so a changed pattern fails here, not silently)', () => {
    expect(() => matches('{ $.status = 4* }', '{}')).toThrow(/does not understand/);
    expect(() => matches('[ip, status=500]', '{}')).toThrow(/not a JSON filter pattern/);
    expect(matches('{ ($.status >= 500) && ($.status != 503) }', '{"status": 503}')).toBe(false);
    expect(matches('{ $.status = 429 }', '{"status": 429, "ua": "a\\"b"}')).toBe(true);
    expect(matches('{ $.status = 429 }', '{"status": 429, "ua": "a"b"}')).toBe(false);
  });
});
