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

import { MAX_YAML_DEPTH, parseYamlDocuments } from './manifests';

const deployment = (deep: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: chat
spec:
  template:
    spec:
      containers:
        - name: vllm
          image: docker.io/vllm/vllm-openai:v0.8.5
          deep: ${deep}
`;

/** A block mapping nested `levels` deep under `deep:`. */
function blockMapping(levels: number): string {
  let text = '\n';
  for (let i = 0; i < levels; i++) {
    text += `${' '.repeat(12 + 2 * i)}k${i}:\n`;
  }
  return `${text}${' '.repeat(12 + 2 * levels)}leaf: 1`;
}

describe('parseYamlDocuments nesting limit', () => {
  const parse = (content: string) =>
    parseYamlDocuments({ path: 'app/deployment.yaml', content });

  it('refuses flow collections nested 5,000 deep with the file, line, column and limit, at once', () => {
    // Before the limit: "invalid YAML: Maximum call stack size exceeded"
    // inside the CLI, naming no limit.
    const started = performance.now();
    expect(() =>
      parse(deployment(`${'{a: '.repeat(5000)}1${'}'.repeat(5000)}`)),
    ).toThrow(
      new RegExp(
        `^app/deployment\\.yaml:11:\\d+: YAML nested more than ${MAX_YAML_DEPTH} levels deep`,
      ),
    );
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses block mappings and sequences nested past the limit, naming the line', () => {
    expect(() => parse(deployment(blockMapping(MAX_YAML_DEPTH)))).toThrow(
      /^app\/deployment\.yaml:\d+:\d+: YAML nested more than 128 levels deep/,
    );
    expect(() =>
      parse(`items:\n${'- '.repeat(MAX_YAML_DEPTH + 1)}x\n`),
    ).toThrow('app/deployment.yaml:2:');
  });

  it('reads nesting up to the limit, and brackets or quotes inside scalars are not nesting', () => {
    const [doc] = parse(deployment(blockMapping(MAX_YAML_DEPTH - 20)));
    expect(doc.value).toMatchObject({ kind: 'Deployment' });
    const scalars = `apiVersion: v1
kind: ConfigMap
metadata:
  name: scripts
data:
  pattern: a[b{c${'[{'.repeat(200)}
  quoted: "${'['.repeat(300)}"
  single: 'it''s ${'{'.repeat(300)}'
  script: |
${Array.from({ length: 300 }, (_, i) => `    ${' '.repeat(i)}[{`).join('\n')}
  after: [1, {a: [2]}]
`;
    const [config] = parse(scalars);
    expect(config.value).toMatchObject({
      data: { after: [1, { a: [2] }] },
    });
  });
});
