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

import { InputError } from '@backstage/errors';
import { LineCounter, parseAllDocuments, type Document } from 'yaml';

/**
 * A file given to the policy evaluator or the estimator: a path (relative,
 * with `/` separators, used in messages) and its text.
 *
 * @public
 */
export interface ManifestFile {
  path: string;
  content: string;
}

/**
 * A Kubernetes object read from a manifest file.
 *
 * @public
 */
export interface ManifestObject {
  /** The file the object was read from. */
  file: string;
  /** The 1-based line of the object in its file. */
  line: number;
  /** Set for objects rendered by a kustomization: its directory. */
  kustomization?: string;
  object: KubernetesObject;
}

/**
 * The parts of a Kubernetes object the evaluator relies on.
 *
 * @public
 */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/**
 * A short reference to an object for messages: `Deployment team-ml/chat`.
 *
 * @public
 */
export function describeObject(object: {
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
}): string {
  const name = String(object.metadata?.name ?? '<unnamed>');
  const ns = object.metadata?.namespace;
  return `${String(object.kind ?? '<no kind>')} ${
    ns ? `${String(ns)}/` : ''
  }${name}`;
}

/** Where an object came from, for messages: `base/deployment.yaml:12`. */
export function describeLocation(m: {
  file: string;
  line: number;
  kustomization?: string;
}): string {
  return `${m.file}:${m.line}${
    m.kustomization ? ` (kustomization ${m.kustomization})` : ''
  }`;
}

/**
 * The deepest nesting of collections a manifest may have. Kubernetes objects
 * stay within a few dozen levels (a CRD's schema nests two per property
 * level); the YAML parser recurses per level and runs out of stack at a
 * few thousand.
 *
 * @public
 */
export const MAX_YAML_DEPTH = 128;

/** A block scalar header (`|`, `>-`, `|2+`) ending a line, maybe with a comment. */
const BLOCK_SCALAR_HEADER = /(?:^|[\s:-])[|>][0-9+-]{0,2}\s*(?:#.*)?$/;

function yamlTooDeep(file: ManifestFile, line: number, column: number) {
  return new InputError(
    `${file.path}:${line}:${column}: YAML nested more than ${MAX_YAML_DEPTH} levels deep (the limit)`,
  );
}

/**
 * Refuses a YAML text nested deeper than {@link MAX_YAML_DEPTH}, before it
 * is parsed, by a scan that keeps no stack per level: block levels are the
 * indentation steps of the lines (and `- ` entries on one line), flow levels
 * the `[` and `{` that open a value, outside quotes, comments and block
 * scalars. Brackets inside plain scalars (`a[b`) do not count.
 */
function checkYamlDepth(file: ManifestFile): void {
  const text = file.content;
  const indents: number[] = [];
  let flow = 0;
  /** Lines indented more than this belong to a block scalar. */
  let blockScalarIndent = -1;
  let line = 0;
  for (let start = 0; start <= text.length; ) {
    line += 1;
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let i = start;
    while (i < end && text.charCodeAt(i) === 32) i++;
    const indent = i - start;
    const blank = i >= end || text[i] === '#' || text[i] === '\r';
    if (blockScalarIndent >= 0 && (blank || indent > blockScalarIndent)) {
      start = end + 1;
      continue;
    }
    blockScalarIndent = -1;
    if (!blank && flow === 0) {
      if (text.startsWith('---', i) || text.startsWith('...', i)) {
        indents.length = 0;
      } else {
        while (indents.length > 0 && indents[indents.length - 1] >= indent) {
          indents.pop();
        }
        indents.push(indent);
        // `- - x` and `- key:` open levels on the same line.
        while (text[i] === '-' && (text[i + 1] === ' ' || i + 1 === end)) {
          indents.push(++i - start);
          while (i < end && text[i] === ' ') i++;
        }
        if (indents.length > MAX_YAML_DEPTH) {
          throw yamlTooDeep(file, line, i - start + 1);
        }
      }
    }
    let quote = '';
    let previous = ' ';
    for (let k = i; k < end; k++) {
      const c = text[k];
      if (quote) {
        if (c === quote) {
          // '' inside a single-quoted scalar is a quote, not the end.
          if (quote === "'" && text[k + 1] === "'") k++;
          else quote = '';
        } else if (c === '\\' && quote === '"') k++;
        continue;
      }
      if (c === '#' && (previous === ' ' || previous === '\t')) break;
      const opensValue = ' \t:-,[{'.includes(previous);
      if ((c === '"' || c === "'") && opensValue) quote = c;
      else if ((c === '[' || c === '{') && (opensValue || flow > 0)) {
        flow += 1;
        if (indents.length + flow > MAX_YAML_DEPTH) {
          throw yamlTooDeep(file, line, k - start + 1);
        }
      } else if ((c === ']' || c === '}') && flow > 0) flow -= 1;
      // A bracket inside a plain scalar is text: what follows it is too.
      previous = (c === '[' || c === '{') && flow === 0 ? 'a' : c;
    }
    if (flow === 0 && BLOCK_SCALAR_HEADER.test(text.slice(i, end))) {
      blockScalarIndent = indent;
    }
    start = end + 1;
  }
}

/**
 * A parsed YAML document with its position.
 *
 * @public
 */
export interface YamlDocument {
  file: string;
  line: number;
  document: Document.Parsed;
  value: unknown;
}

/**
 * Parses every YAML document of a file; a syntax error is one
 * {@link @backstage/errors#InputError} naming the file, line and column. Empty
 * documents are left out.
 *
 * @public
 */
export function parseYamlDocuments(file: ManifestFile): YamlDocument[] {
  checkYamlDepth(file);
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(file.content, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const list = Array.isArray(documents) ? documents : [];
  const out: YamlDocument[] = [];
  for (const document of list) {
    const error = document.errors[0];
    if (error) {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      throw new InputError(
        `${file.path}:${line}:${col}: invalid YAML: ${
          error.message.split('\n')[0]
        }`,
      );
    }
    const contents = document.contents;
    if (contents === null) continue;
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      const { line } = lineCounter.linePos(contents.range?.[0] ?? 0);
      const message =
        e instanceof RangeError && /call stack/.test(e.message)
          ? `nested too deeply to read (at most ${MAX_YAML_DEPTH} levels)`
          : (e as Error).message;
      throw new InputError(`${file.path}:${line}: invalid YAML: ${message}`);
    }
    if (value === null || value === undefined) continue;
    out.push({
      file: file.path,
      line: lineCounter.linePos(contents.range?.[0] ?? 0).line,
      document,
      value,
    });
  }
  return out;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks that a parsed document is a Kubernetes object (apiVersion, kind and
 * metadata.name as strings, labels and annotations string maps); throws a
 * {@link @backstage/errors#InputError} naming the file, line and field otherwise.
 *
 * @public
 */
export function asKubernetesObject(
  value: unknown,
  where: { file: string; line: number },
): KubernetesObject {
  const at = `${where.file}:${where.line}`;
  if (!isRecord(value)) {
    throw new InputError(
      `${at}: expected a Kubernetes object (a YAML mapping), found ${
        Array.isArray(value) ? 'a list' : typeof value
      }`,
    );
  }
  for (const field of ['apiVersion', 'kind'] as const) {
    if (typeof value[field] !== 'string' || !value[field]) {
      throw new InputError(
        `${at}: ${describeObject(
          value as any,
        )}: field ${field} is missing or not a string`,
      );
    }
  }
  const metadata = value.metadata;
  if (!isRecord(metadata)) {
    throw new InputError(
      `${at}: ${describeObject(value as any)}: field metadata is missing`,
    );
  }
  if (typeof metadata.name !== 'string' || !metadata.name) {
    throw new InputError(
      `${at}: ${String(
        value.kind,
      )}: field metadata.name is missing or not a string`,
    );
  }
  if (
    metadata.namespace !== undefined &&
    typeof metadata.namespace !== 'string'
  ) {
    throw new InputError(
      `${at}: ${describeObject(
        value as any,
      )}: field metadata.namespace is not a string`,
    );
  }
  for (const field of ['labels', 'annotations'] as const) {
    const map = metadata[field];
    if (map === undefined || map === null) continue;
    if (!isRecord(map)) {
      throw new InputError(
        `${at}: ${describeObject(
          value as any,
        )}: field metadata.${field} is not a map`,
      );
    }
    for (const [k, v] of Object.entries(map)) {
      if (typeof v !== 'string') {
        throw new InputError(
          `${at}: ${describeObject(
            value as any,
          )}: field metadata.${field}.${k} is not a string (quote it: "${String(
            v,
          )}")`,
        );
      }
    }
  }
  return value as KubernetesObject;
}

/**
 * Whether a document looks like it was meant to be a Kubernetes object: it
 * has an apiVersion or a kind. Directory scans skip other YAML (workflow
 * files, mkdocs.yml) instead of failing on them.
 *
 * @public
 */
export function looksLikeKubernetesObject(value: unknown): boolean {
  return isRecord(value) && ('apiVersion' in value || 'kind' in value);
}

/**
 * Reads the Kubernetes objects of manifest files (multi-document YAML or
 * JSON; `kind: List` is expanded). Documents without apiVersion and kind are
 * skipped when `skipNonKubernetes` is set (directory scans) and an error
 * otherwise.
 *
 * @public
 */
export function parseManifestFile(
  file: ManifestFile,
  options: { skipNonKubernetes?: boolean } = {},
): ManifestObject[] {
  const out: ManifestObject[] = [];
  for (const doc of parseYamlDocuments(file)) {
    if (options.skipNonKubernetes && !looksLikeKubernetesObject(doc.value)) {
      continue;
    }
    const object = asKubernetesObjectOrList(doc.value, doc);
    for (const o of object)
      out.push({ file: file.path, line: doc.line, object: o });
  }
  return out;
}

function asKubernetesObjectOrList(
  value: unknown,
  where: { file: string; line: number },
): KubernetesObject[] {
  if (
    isRecord(value) &&
    typeof value.kind === 'string' &&
    value.kind.endsWith('List') &&
    Array.isArray(value.items)
  ) {
    return value.items.map(item => asKubernetesObject(item, where));
  }
  return [asKubernetesObject(value, where)];
}
