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

import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { Response } from 'supertest';
import { spec } from '../schema/openapi';

type Json = Record<string, any>;

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
// The whole spec is one schema, so that `#/components/...` refs resolve.
ajv.addSchema(spec as unknown as Json, 'openapi.json');

const escape = (segment: string) =>
  segment.replace(/~/g, '~0').replace(/\//g, '~1');

const templates = Object.keys(spec.paths).map(template => ({
  template,
  pattern: new RegExp(
    `^${template.replace(/\{[^}]+\}/g, '[^/]+').replace(/\//g, '\\/')}$`,
  ),
}));

/**
 * Checks a supertest response against `src/schema/openapi.yaml`: the route
 * and method must be in the spec, and the body must match the schema of
 * the response for its status (or the default response). Throws with the
 * validation errors otherwise.
 */
export function expectMatchesSpec(res: Response, basePath = '/api/finops') {
  // The Node request supertest sent; its typings leave it out.
  const { req } = res as unknown as { req: { method: string; path: string } };
  const method = req.method.toLowerCase();
  const path = new URL(req.path, 'http://localhost').pathname;
  if (!path.startsWith(basePath)) {
    throw new Error(`${path} is not under ${basePath}`);
  }
  const route = path.slice(basePath.length);
  const found = templates.find(t => t.pattern.test(route));
  const operation = found
    ? (spec.paths as Json)[found.template]?.[method]
    : undefined;
  if (!found || !operation) {
    throw new Error(`${method.toUpperCase()} ${route} is not in the spec`);
  }
  const status = String(res.status);
  const responses = operation.responses as Json;
  const key = status in responses ? status : 'default';
  let response = responses[key];
  if (!response) {
    throw new Error(
      `${method.toUpperCase()} ${
        found.template
      } documents no ${status} response`,
    );
  }
  let pointer = `#/paths/${escape(found.template)}/${method}/responses/${key}`;
  if (response.$ref) {
    pointer = response.$ref;
    response = pointer
      .slice(2)
      .split('/')
      .reduce((node: Json, part: string) => node[part], spec as Json);
  }
  if (!response.content?.['application/json']) {
    throw new Error(`${pointer} has no application/json content`);
  }
  const validate = ajv.getSchema(
    `openapi.json${pointer}/content/application~1json/schema`,
  );
  if (!validate) {
    throw new Error(`No schema at ${pointer}`);
  }
  if (!validate(res.body)) {
    throw new Error(
      `${method.toUpperCase()} ${route} → ${status} does not match the spec: ${ajv.errorsText(
        validate.errors,
      )}\n${JSON.stringify(res.body, null, 2).slice(0, 2000)}`,
    );
  }
}
