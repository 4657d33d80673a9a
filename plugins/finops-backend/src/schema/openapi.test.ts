/*
 * Copyright 2026 The AI FinOps Authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import yaml from 'js-yaml';
import { spec } from './openapi';

describe('openapi spec', () => {
  it('generated/router.ts is up to date with openapi.yaml', () => {
    const source = yaml.load(
      readFileSync(resolve(__dirname, 'openapi.yaml'), 'utf8'),
    );
    // If this fails: node scripts/generate-openapi-router.mjs
    expect(spec).toEqual(source);
  });

  it('documents every route with a security requirement and an error response', () => {
    const operations = Object.entries(spec.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => {
        const op = operation as {
          security?: unknown[];
          responses: Record<string, unknown>;
        };
        return {
          route: `${method} ${path}`,
          security: Boolean(op.security),
          errors: 'default' in op.responses,
        };
      }),
    );
    expect(operations).toHaveLength(22);
    expect(operations).toEqual(
      operations.map(({ route }) => ({
        route,
        security: true,
        // /health too: the router answers unknown query parameters with 400.
        errors: true,
      })),
    );
  });
});
