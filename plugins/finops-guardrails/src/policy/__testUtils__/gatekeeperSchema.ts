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

// Gatekeeper's ConstraintTemplate and constraint API as structural schemas,
// written for these tests from Gatekeeper's documented API (the API
// reference, the Constraint Templates page and the K8sNativeValidation
// source fields); NOT Gatekeeper's published CRDs, which no npm package
// carries. Only what the documentation names is allowed: an unknown field is
// an error (customResourceSchemaErrors is strict).

const str = { type: 'string' };
const strings = { type: 'array', items: str };
const open = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

const labelSelector = {
  type: 'object',
  properties: {
    matchLabels: { type: 'object', additionalProperties: str },
    matchExpressions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'operator'],
        properties: {
          key: str,
          operator: {
            type: 'string',
            enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'],
          },
          values: strings,
        },
      },
    },
  },
};

/** The fields of a K8sNativeValidation `source`. */
export const k8sNativeValidationSource = {
  type: 'object',
  required: ['validations'],
  properties: {
    validations: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['expression'],
        properties: { expression: str, message: str, messageExpression: str },
      },
    },
    failurePolicy: { type: 'string', enum: ['Fail', 'Ignore'] },
    matchCondition: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'expression'],
        properties: { name: str, expression: str },
      },
    },
    variables: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'expression'],
        properties: {
          name: { type: 'string', not: { enum: ['params', 'anyObject'] } },
          expression: str,
        },
      },
    },
    generateVAP: { type: 'boolean' },
  },
};

/** ConstraintTemplate, `templates.gatekeeper.sh/v1`. */
export const constraintTemplateCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'constrainttemplates.templates.gatekeeper.sh' },
  spec: {
    group: 'templates.gatekeeper.sh',
    names: { kind: 'ConstraintTemplate' },
    versions: [
      {
        name: 'v1',
        schema: {
          openAPIV3Schema: {
            type: 'object',
            required: ['spec'],
            properties: {
              spec: {
                type: 'object',
                required: ['crd', 'targets'],
                properties: {
                  crd: {
                    type: 'object',
                    properties: {
                      spec: {
                        type: 'object',
                        required: ['names'],
                        properties: {
                          names: {
                            type: 'object',
                            required: ['kind'],
                            properties: { kind: str, shortNames: strings },
                          },
                          validation: {
                            type: 'object',
                            properties: {
                              openAPIV3Schema: open,
                              legacySchema: { type: 'boolean' },
                            },
                          },
                        },
                      },
                    },
                  },
                  targets: {
                    type: 'array',
                    minItems: 1,
                    maxItems: 1,
                    items: {
                      type: 'object',
                      required: ['target'],
                      properties: {
                        target: {
                          type: 'string',
                          enum: ['admission.k8s.gatekeeper.sh'],
                        },
                        rego: str,
                        libs: strings,
                        code: {
                          type: 'array',
                          items: {
                            type: 'object',
                            required: ['engine', 'source'],
                            properties: {
                              engine: {
                                type: 'string',
                                enum: ['K8sNativeValidation', 'Rego'],
                              },
                              source: open,
                            },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    ],
  },
};

/**
 * The CRD Gatekeeper creates for a template's constraint kind: the shared
 * constraint fields, `parameters` typed by the template's schema.
 */
export function constraintCrd(template: any) {
  const kind = template.spec.crd.spec.names.kind;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${kind.toLowerCase()}.constraints.gatekeeper.sh` },
    spec: {
      group: 'constraints.gatekeeper.sh',
      names: { kind },
      versions: [
        {
          name: 'v1beta1',
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  properties: {
                    enforcementAction: {
                      type: 'string',
                      enum: ['deny', 'dryrun', 'warn', 'scoped'],
                    },
                    match: {
                      type: 'object',
                      properties: {
                        kinds: {
                          type: 'array',
                          items: {
                            type: 'object',
                            properties: { apiGroups: strings, kinds: strings },
                          },
                        },
                        scope: {
                          type: 'string',
                          enum: ['*', 'Cluster', 'Namespaced'],
                        },
                        namespaces: strings,
                        excludedNamespaces: strings,
                        labelSelector,
                        namespaceSelector: labelSelector,
                        name: str,
                        source: {
                          type: 'string',
                          enum: ['All', 'Generated', 'Original'],
                        },
                      },
                    },
                    parameters: template.spec.crd.spec.validation
                      ?.openAPIV3Schema ?? { type: 'object', maxProperties: 0 },
                  },
                },
              },
            },
          },
        },
      ],
    },
  };
}

/** Where a schema is not structural: a level without a type. */
export function nonStructuralPaths(schema: any, at = '(root)'): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const out: string[] = [];
  if (
    !schema.type &&
    !schema['x-kubernetes-preserve-unknown-fields'] &&
    !schema['x-kubernetes-int-or-string']
  ) {
    out.push(at);
  }
  for (const [k, v] of Object.entries(schema.properties ?? {})) {
    out.push(...nonStructuralPaths(v, `${at}.${k}`));
  }
  if (schema.items) out.push(...nonStructuralPaths(schema.items, `${at}[]`));
  if (typeof schema.additionalProperties === 'object') {
    out.push(...nonStructuralPaths(schema.additionalProperties, `${at}.*`));
  }
  return out;
}
