/**
 * A prebuilt handler bundle with a configuration file beside it (see
 * lambda/contract/config-refs.ts): the poller's vendor configuration does not fit Lambda's 4 KB
 * environment when there are many vendors, so it travels with the code. Values that are tokens at
 * synth time (secret ARNs, queue URLs) stay in the environment, referred to from the file.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Token } from 'aws-cdk-lib/core';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { EnvRef } from '../../lambda/contract/config-refs';
import { handlerAssetDir, type HandlerName } from '../assets';

export interface CodeWithConfig {
  readonly code: lambda.Code;
  /** The variables the file refers to (deploy-time values), to add to the function's environment. */
  readonly environment: Record<string, string>;
}

/** `handler`'s bundle with `config` as JSON in `fileName`; `envPrefix` names the variables of deploy-time values. */
export function codeWithConfig(handler: HandlerName, fileName: string, config: unknown, envPrefix: string): CodeWithConfig {
  const environment: Record<string, string> = {};
  const json = JSON.stringify(config, (_key, value: unknown) => {
    if ((typeof value === 'string' || typeof value === 'number') && Token.isUnresolved(value)) {
      const name = `${envPrefix}${Object.keys(environment).length}`;
      environment[name] = typeof value === 'number' ? Token.asString(value) : value;
      const ref: EnvRef = typeof value === 'number' ? { $env: name, number: true } : { $env: name };
      return ref;
    }
    return value;
  });
  const bundle = join(handlerAssetDir(handler), 'index.js');
  const code = readFileSync(bundle);
  // Content-addressed, so synthesizing the same app again reuses the folder.
  const hash = createHash('sha256').update(code).update('\0').update(fileName).update('\0').update(json).digest('hex').slice(0, 20);
  const dir = join(tmpdir(), `cdk-video-webhooks-${handler}-${hash}`);
  if (!existsSync(join(dir, fileName))) {
    const staging = `${dir}.${process.pid}.tmp`;
    mkdirSync(staging, { recursive: true });
    copyFileSync(bundle, join(staging, 'index.js'));
    writeFileSync(join(staging, fileName), json);
    try {
      renameSync(staging, dir);
    } catch {
      // Another synth wrote the same folder meanwhile: it has the same content.
    }
  }
  return { code: lambda.Code.fromAsset(dir), environment };
}
