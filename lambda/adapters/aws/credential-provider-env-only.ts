/**
 * Bundled in place of `@aws-sdk/credential-provider-node` (see scripts/build.mjs). Lambda always
 * hands a function its role's credentials in environment variables, so the handlers need only the
 * environment provider; leaving out the rest of the default chain (SSO, INI files, web identity,
 * IMDS and their STS/SSO clients) cuts each bundle by about a third and its cold start with it.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}) => fromEnv(init);
