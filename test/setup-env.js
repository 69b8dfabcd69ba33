// VW_TEST_CLOCK_SHIFT=+400d shifts this test context's clock (scripts/test-shifted-clock.mjs).
require('./support/clock-shift.cjs');
// aws-cdk-lib's built-in CloudFormation validation costs ~3 s per test file; `npm run synth` keeps it on.
process.env.CDK_VALIDATION = 'false';
// No test may reach AWS: fail fast if some code path forgets its local endpoint.
process.env.AWS_REGION = process.env.AWS_REGION || 'us-east-1';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
