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
import * as kubernetesModels from 'kubernetes-models';
// The OpenAPI-generated models of the official client: every field of every
// built-in type, which kubernetes-models' validators do not check.
import * as clientModels from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';

// Checks manifests against the Kubernetes API schema without a cluster, in
// two passes over two generations of the upstream OpenAPI document:
// kubernetes-models (types, required fields, enums, formats; Kubernetes 1.30
// schema) and @kubernetes/client-node's generated models (field names, for
// the strict unknown-field check `kubectl apply` makes; 1.34 schema).

type ModelClass = {
  new (data: unknown): { validate(): void };
  apiVersion: string;
  kind: string;
};

let byApiVersionKind: Map<string, ModelClass> | undefined;

function modelsByApiVersionKind(): Map<string, ModelClass> {
  if (byApiVersionKind) return byApiVersionKind;
  byApiVersionKind = new Map();
  for (const group of Object.values(kubernetesModels as Record<string, any>)) {
    const versions =
      group && typeof group === 'object' ? Object.values(group) : [];
    for (const version of versions as any[]) {
      if (!version || typeof version !== 'object') continue;
      for (const model of Object.values(version) as any[]) {
        if (typeof model === 'function' && model.apiVersion && model.kind) {
          byApiVersionKind.set(`${model.apiVersion}/${model.kind}`, model);
        }
      }
    }
  }
  return byApiVersionKind;
}

type AttributeMap = Array<{ baseName: string; type: string }>;

function attributes(type: string): AttributeMap | undefined {
  const model = (clientModels as Record<string, any>)[type];
  return Array.isArray(model?.attributeTypeMap)
    ? model.attributeTypeMap
    : undefined;
}

function unknownFields(
  value: unknown,
  type: string,
  path: string,
  out: string[],
) {
  if (value === null || value === undefined) return;
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (Array.isArray(value))
      value.forEach((v, i) => unknownFields(v, array[1], `${path}[${i}]`, out));
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value))
        unknownFields(v, map[1], `${path}.${k}`, out);
    }
    return;
  }
  const attrs = attributes(type);
  if (!attrs || typeof value !== 'object' || Array.isArray(value)) return;
  const known = new Map(attrs.map(a => [a.baseName, a.type]));
  for (const [k, v] of Object.entries(value)) {
    const t = known.get(k);
    if (!t)
      out.push(
        `${path ? `${path}.` : ''}${k}: unknown field (${type} has ${[
          ...known.keys(),
        ].join(', ')})`,
      );
    else unknownFields(v, t, path ? `${path}.${k}` : k, out);
  }
}

/**
 * Whether the schema of a built-in kind is known to these checks.
 */
export function isBuiltInKubernetesKind(
  apiVersion: string,
  kind: string,
): boolean {
  return modelsByApiVersionKind().has(`${apiVersion}/${kind}`);
}

/**
 * Validates a built-in Kubernetes object against the upstream OpenAPI
 * schema, strictly (unknown fields are errors, as with `kubectl apply`'s
 * default server-side field validation). Returns the problems, empty when
 * the object is valid; throws for a kind it has no schema for.
 */
export function kubernetesSchemaErrors(object: any): string[] {
  const model = modelsByApiVersionKind().get(
    `${object?.apiVersion}/${object?.kind}`,
  );
  if (!model) {
    throw new Error(
      `no Kubernetes schema for ${object?.apiVersion} ${object?.kind}`,
    );
  }
  const errors: string[] = [];
  try {
    const Model = model;
    new Model(object).validate();
  } catch (e: any) {
    const list = Array.isArray(e?.errors)
      ? e.errors
      : [{ instancePath: '', message: e?.message }];
    for (const err of list) {
      errors.push(
        `${
          String(err.instancePath ?? '')
            .replace(/^\//, '')
            .replace(/\//g, '.') || '(root)'
        }: ${err.message}${
          err.params?.allowedValues
            ? ` (${err.params.allowedValues.join(', ')})`
            : ''
        }`,
      );
    }
  }
  const version = object.apiVersion.slice(object.apiVersion.indexOf('/') + 1);
  const type = `${version[0].toUpperCase()}${version.slice(1)}${object.kind}`;
  if (!attributes(type)) {
    throw new Error(
      `no client-node model ${type} for ${object.apiVersion} ${object.kind}`,
    );
  }
  unknownFields(object, type, '', errors);
  return errors;
}

/** Marks every object schema with properties as closed (strict field validation). */
function closed(schema: any): any {
  if (Array.isArray(schema)) return schema.map(closed);
  if (!schema || typeof schema !== 'object') return schema;
  const out: any = {};
  for (const [k, v] of Object.entries(schema)) {
    out[k] =
      k === 'properties'
        ? Object.fromEntries(
            Object.entries(v as object).map(([p, s]) => [p, closed(s)]),
          )
        : closed(v);
  }
  if (
    out.type === 'object' &&
    out.properties &&
    out.additionalProperties === undefined &&
    !out['x-kubernetes-preserve-unknown-fields']
  ) {
    out.additionalProperties = false;
  }
  return out;
}

/**
 * Validates a custom resource against its CustomResourceDefinition's
 * `openAPIV3Schema` for the object's version, strictly (unknown fields are
 * errors). Returns the problems, empty when the object is valid.
 */
export function customResourceSchemaErrors(crd: any, object: any): string[] {
  const [group, version] = String(object?.apiVersion).split('/');
  if (crd?.spec?.group !== group || crd?.spec?.names?.kind !== object?.kind) {
    return [
      `${object?.apiVersion} ${object?.kind} is not defined by ${crd?.metadata?.name}`,
    ];
  }
  const v = (crd.spec.versions ?? []).find((x: any) => x.name === version);
  if (!v?.schema?.openAPIV3Schema)
    return [`${crd.metadata.name} has no schema for ${version}`];
  const schema = closed(v.schema.openAPIV3Schema);
  schema.properties = {
    ...schema.properties,
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
  };
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(schema);
  if (validate(object)) return [];
  return (validate.errors ?? []).map(
    e =>
      `${e.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(root)'}: ${
        e.message
      }${
        e.keyword === 'additionalProperties'
          ? ` (${(e.params as any).additionalProperty})`
          : ''
      }`,
  );
}
