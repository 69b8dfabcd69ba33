/**
 * A prebuilt handler bundle with configuration files beside it (see
 * lambda/contract/config-refs.ts): the poller's vendor configuration does not fit Lambda's 4 KB
 * environment when there are many vendors, nor a verifier's when its vendor has many options, so
 * it travels with the code. Values that are tokens at synth time (secret ARNs, queue URLs) stay in
 * the environment, referred to from the file.
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

export interface CodeWithConfigs {
  /**
   * The code for one function: each function gets its own (its own `Code` asset construct), all
   * of the same folder, which the cloud assembly stages and uploads once.
   */
  readonly code: () => lambda.Code;
  /** Per file, the variables it refers to, to add to the environment of the function that reads it. */
  readonly environments: Readonly<Record<string, Record<string, string>>>;
}

/** `handler`'s bundle with `config` as JSON in `fileName`; `envPrefix` names the variables of deploy-time values. */
export function codeWithConfig(handler: HandlerName, fileName: string, config: unknown, envPrefix: string): CodeWithConfig {
  const { code, environments } = codeWithConfigs(handler, { [fileName]: config }, envPrefix);
  return { code: code(), environment: environments[fileName] };
}

/**
 * `handler`'s bundle with one JSON file per entry of `configs`, for functions that share the code
 * and each read their own file (the verifiers). Each file numbers its variables from 0, so the
 * same names carry each function's own values.
 */
export function codeWithConfigs(handler: HandlerName, configs: Readonly<Record<string, unknown>>, envPrefix: string): CodeWithConfigs {
  const environments: Record<string, Record<string, string>> = {};
  const files = Object.entries(configs).map(([fileName, config]) => {
    const environment: Record<string, string> = {};
    environments[fileName] = environment;
    return { fileName, json: toJsonWithRefs(config, envPrefix, environment) };
  });
  const bundle = join(handlerAssetDir(handler), 'index.js');
  const code = readFileSync(bundle);
  // Content-addressed, so synthesizing the same app again reuses the folder.
  const hash = createHash('sha256').update(code);
  for (const f of files) hash.update('\0').update(f.fileName).update('\0').update(f.json);
  const dir = join(tmpdir(), `cdk-video-webhooks-${handler}-${hash.digest('hex').slice(0, 20)}`);
  if (!existsSync(join(dir, 'index.js'))) {
    const staging = `${dir}.${process.pid}.tmp`;
    mkdirSync(staging, { recursive: true });
    for (const f of files) writeFileSync(join(staging, f.fileName), f.json);
    // The bundle last: its presence marks a complete folder.
    copyFileSync(bundle, join(staging, 'index.js'));
    try {
      renameSync(staging, dir);
    } catch {
      // Another synth wrote the same folder meanwhile: it has the same content.
    }
  }
  return { code: () => lambda.Code.fromAsset(dir), environments };
}

/** `config` as JSON, each unresolved token replaced by a reference to a variable added to `environment`. */
function toJsonWithRefs(config: unknown, envPrefix: string, environment: Record<string, string>): string {
  return JSON.stringify(config, (_key, value: unknown) => {
    if ((typeof value === 'string' || typeof value === 'number') && Token.isUnresolved(value)) {
      const name = `${envPrefix}${Object.keys(environment).length}`;
      environment[name] = typeof value === 'number' ? Token.asString(value) : value;
      const ref: EnvRef = typeof value === 'number' ? { $env: name, number: true } : { $env: name };
      return ref;
    }
    return value;
  });
}
