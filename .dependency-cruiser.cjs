/**
 * The folder rules of the house (see README, "Project layout"), enforced by
 * test/constructs/boundaries.test.ts: dependencies point one way, vendors → core, adapters → core,
 * composition roots → everything; no cycles anywhere. Two worlds beside lib/: lambda/ is what runs
 * in Lambda, local/ is a laptop's code (the dev server, the strict local AWS in front of the
 * embedded emulators, the in-memory and environment adapters). local/ may use lambda/, never the
 * other way.
 */
const core = '^lambda/core/';
const contract = '^lambda/contract/';
/** A rule: modules matching `from` may not import modules matching `to`. */
const forbid = (name, comment, from, to) => ({ name, severity: 'error', comment, from, to });
const others = (...folders) => `^lambda/(${folders.join('|')})/`;
/** The laptop's code, and the emulators only it starts. */
const laptop = ['^local/', 'node_modules/(dynalite|fauxqs)/'];

module.exports = {
  forbidden: [
    forbid('no-cycles', 'an import cycle: untangle it', {}, { circular: true }),
    forbid('contract-is-plain', 'lambda/contract is the deployment contract shared with lib/: plain data and pure checks, importing nothing but itself', { path: contract }, { pathNot: [contract] }),
    forbid(
      'core-is-the-domain',
      'lambda/core imports only itself, the contract and Node built-ins: no AWS SDK, no vendor, adapter, poller or handler code',
      { path: core },
      { pathNot: [core, contract, '^node:'], dependencyTypesNot: ['core'] },
    ),
    forbid('vendors-depend-on-core', 'a vendor uses the core, the contract and the shared vendor helpers, never an adapter, the poller or a handler', { path: '^lambda/vendors/' }, { path: [others('adapters', 'poller', 'handlers', 'composition', 'runtime'), 'node_modules/@aws-sdk/'] }),
    forbid('manifests-are-plain', "a vendor's manifest is plain data lib/ reads: it imports only the contract", { path: '^lambda/vendors/[^/]+/manifest\\.ts$' }, { pathNot: [contract] }),
    forbid('one-vendor-one-folder', "a vendor folder uses no other vendor's folder (shared code is in lambda/vendors/shared)", { path: '^lambda/vendors/([^/]+)/' }, { path: '^lambda/vendors/[^/]+/', pathNot: ['^lambda/vendors/$1/', '^lambda/vendors/shared/'] }),
    forbid('http-is-transport', 'lambda/http is the hardened HTTP client the poller and the key source share: node:http(s) and the contract, nothing of the pipeline', { path: '^lambda/http/' }, { path: '^lambda/', pathNot: ['^lambda/http/', contract, core] }),
    forbid('adapters-depend-on-core', 'an adapter implements a core port: it imports no vendor, poller or handler', { path: '^lambda/adapters/' }, { path: others('vendors', 'poller', 'handlers', 'composition', 'runtime') }),
    forbid('poller-is-not-wiring', 'the poller is a domain of its own on the core: no adapters, vendors or wiring', { path: '^lambda/poller/' }, { path: [others('adapters', 'vendors', 'handlers', 'composition', 'runtime'), 'node_modules/@aws-sdk/'] }),
    forbid('handlers-are-thin', 'a handler maps a Lambda event to the core; the composition root builds its ports', { path: '^lambda/handlers/' }, { path: others('vendors') }),
    forbid('runtime-stays-small', 'cdk-video-webhooks/runtime is bundled by consumers: no vendor, poller or wiring in it', { path: '^lambda/runtime/' }, { path: others('vendors', 'poller', 'handlers', 'composition') }),
    forbid('lambda-runs-in-lambda', 'lambda/ is what runs in Lambda: the dev server, the strict local AWS and the emulators are laptop code in local/', { path: '^lambda/' }, { path: laptop }),
    forbid('local-adapters-implement-ports', 'local/adapters implement core ports for the laptop and tests: they import only the core and the contract', { path: '^local/adapters/' }, { path: '^(lambda|local)/', pathNot: ['^local/adapters/', core, contract] }),
    forbid('strict-aws-is-aws', "local/strict-aws stands in for AWS: it knows AWS's limits (the contract) and nothing of the pipeline", { path: '^local/strict-aws/' }, { path: '^(lambda|local)/', pathNot: ['^local/strict-aws/', contract] }),
    forbid('lambda-knows-no-cdk', 'runtime code knows nothing about CDK', { path: '^lambda/' }, { path: ['node_modules/(aws-cdk-lib|constructs)/', '^lib/'] }),
    forbid(
      'lib-imports-only-the-contract',
      'lib/ (the CDK API) may import from lambda/ only the contract and the vendor manifests; types are free (erased)',
      { path: '^lib/' },
      { path: '^lambda/', pathNot: [contract, '^lambda/vendors/[^/]+/manifest\\.ts$'], dependencyTypesNot: ['type-only'] },
    ),
    forbid('lib-is-not-laptop', 'lib/ (the CDK API) uses no laptop code', { path: '^lib/' }, { path: laptop }),
    forbid('lib-no-sdk-no-bundler', 'lib/ does not need the AWS SDK or esbuild at synth time', { path: '^lib/' }, { path: 'node_modules/(@aws-sdk|esbuild)/' }),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(test|dist|assets|bench)/' },
  },
};
