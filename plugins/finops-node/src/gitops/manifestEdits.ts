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

import type { ManifestChange } from '@ai-finops/backstage-plugin-finops-common';
import { ConflictError, InputError } from '@backstage/errors';
import {
  isMap,
  isScalar,
  isSeq,
  parseAllDocuments,
  stringify,
  type Document,
  type Node as YamlNode,
  type Pair,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';

// Manifest edits that keep everything the change does not touch byte for
// byte. The yaml package's Document API finds the nodes and their source
// ranges; the edit is then spliced into the original text (a re-printed
// document would re-indent sequences, re-space flow maps and move comments).
// After every edit the file is parsed again and compared with what the
// Document API's setIn/deleteIn give on the original, so a splice that does
// not mean what the change says is refused instead of committed.
//
// Where a value is edited (Kustomize): the change names an object by kind,
// name and namespace. A kustomization whose `namespace` is the change's
// namespace selects the overlay (or `options.overlay`, or the only overlay).
// In that overlay, in this order:
//   1. `/spec/replicas` with a `replicas:` entry for the object: its `count`;
//   2. a JSON 6902 patch file of the overlay with an op on the same path: its
//      `value`;
//   3. a strategic-merge patch of the overlay that sets the field (list items
//      matched by their merge key, e.g. containers by name): that field;
//   4. otherwise, when the object's resource file is shared with other
//      overlays and the overlay has a strategic-merge patch for the object,
//      the field is added to that patch, so other environments keep theirs;
//   5. otherwise the resource file itself.
// Without kustomizations, the document of that kind and name (and
// namespace, when several match) is edited.

/**
 * A manifest file by its path relative to the service's folder in the GitOps
 * repository.
 *
 * @public
 */
export interface GitopsManifestFile {
  path: string;
  content: string;
}

/**
 * One edit made, for the pull request's summary.
 *
 * @public
 */
export interface ManifestEdit {
  file: string;
  kind: string;
  name: string;
  /** The JSON pointer of the change. */
  path: string;
  /** Where in the file: the YAML path edited (`spec.replicas`, `replicas[0].count`). */
  field: string;
  /** How the place was chosen (see the rule above). */
  via:
    | 'kustomization-replicas'
    | 'json6902-patch'
    | 'overlay-patch'
    | 'overlay-patch-added'
    | 'resource';
  from?: unknown;
  to?: unknown;
}

/**
 * The result of {@link applyManifestChanges}.
 *
 * @public
 */
export interface ManifestEditResult {
  /** The files that changed, with their new content. */
  files: GitopsManifestFile[];
  edits: ManifestEdit[];
}

/**
 * Options of {@link applyManifestChanges}.
 *
 * @public
 */
export interface ManifestEditOptions {
  /** The overlay folder to edit (`overlays/prod`) when the change carries no namespace. */
  overlay?: string;
}

const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  tolerations: 'key',
};

const KUSTOMIZATION = /(^|\/)(kustomization\.ya?ml|Kustomization)$/;

type Segment = string | number;

interface ParsedFile {
  path: string;
  text: string;
  docs: Document.Parsed[];
}

interface DocRef {
  file: ParsedFile;
  index: number;
  doc: Document.Parsed;
}

interface Overlay {
  dir: string;
  kustomization: DocRef;
  namespace?: string;
  /** Files the overlay patches with, relative to the service folder. */
  patchFiles: Set<string>;
}

const isRecord = (v: unknown): v is Record<string, any> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

function join(dir: string, rel: string): string {
  const parts = (dir ? `${dir}/${rel}` : rel).split('/');
  const out: string[] = [];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

/** RFC 6901 pointer → segments; numbers for array indexes. */
function parsePointer(pointer: string): Segment[] {
  if (pointer === '' || pointer === '/') return [];
  if (!pointer.startsWith('/')) {
    throw new InputError(
      `Invalid JSON pointer '${pointer}'; expected it to start with '/'`,
    );
  }
  return pointer
    .slice(1)
    .split('/')
    .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map(s => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

function fieldName(segments: Segment[]): string {
  return segments
    .map((s, i) => {
      if (typeof s === 'number') return `[${s}]`;
      if (/^[A-Za-z_][\w-]*$/.test(s)) return `${i ? '.' : ''}${s}`;
      return `[${JSON.stringify(s)}]`;
    })
    .join('');
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (
    (typeof a === 'number' || typeof a === 'string') &&
    (typeof b === 'number' || typeof b === 'string')
  ) {
    return String(a) === String(b);
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

function parseFile(file: GitopsManifestFile): ParsedFile {
  const docs = parseAllDocuments(file.content) as Document.Parsed[] | any;
  if (!Array.isArray(docs)) {
    throw new InputError(`${file.path}: not a YAML stream`);
  }
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      const line = e.linePos?.[0]?.line;
      throw new InputError(
        `${file.path}${line ? `:${line}` : ''}: invalid YAML: ${e.message
          .split('\n')[0]
          .trim()}`,
      );
    }
  }
  return { path: file.path, text: file.content, docs };
}

/** The value of a document as plain JS (null for an empty document). */
function jsOf(doc: Document.Parsed): any {
  return doc.contents ? doc.toJS({ maxAliasCount: 100 }) : null;
}

/**
 * Applies a recommendation's manifest changes to the files of a service's
 * GitOps folder and returns the changed files; every line the changes do not
 * touch keeps its bytes (comments, order, quoting, indentation). A change
 * whose object, field or current value is not found throws one error naming
 * the file, the object and the field; nothing is returned half-applied.
 *
 * @public
 */
export function applyManifestChanges(
  files: GitopsManifestFile[],
  changes: ManifestChange[],
  options: ManifestEditOptions = {},
): ManifestEditResult {
  const parsed = new Map<string, ParsedFile>();
  for (const file of files) {
    if (!/\.ya?ml$/.test(file.path) && !KUSTOMIZATION.test(file.path)) continue;
    parsed.set(file.path, parseFile(file));
  }
  const changed = new Set<string>();
  const edits: ManifestEdit[] = [];
  for (const change of changes) {
    const edit = applyOne(parsed, change, options);
    changed.add(edit.file);
    edits.push(edit);
  }
  return {
    files: [...changed].sort().map(path => ({
      path,
      content: parsed.get(path)!.text,
    })),
    edits,
  };
}

function describe(change: ManifestChange): string {
  return `${change.kind} ${change.namespace ? `${change.namespace}/` : ''}${
    change.name
  }`;
}

function overlaysOf(parsed: Map<string, ParsedFile>): Overlay[] {
  const overlays: Overlay[] = [];
  for (const file of parsed.values()) {
    if (!KUSTOMIZATION.test(file.path)) continue;
    const doc = file.docs[0];
    const k = doc ? jsOf(doc) : undefined;
    if (!isRecord(k)) continue;
    const dir = dirOf(file.path);
    const patchFiles = new Set<string>();
    for (const p of [
      ...(Array.isArray(k.patches) ? k.patches : []),
      ...(Array.isArray(k.patchesJson6902) ? k.patchesJson6902 : []),
      ...(Array.isArray(k.patchesStrategicMerge)
        ? k.patchesStrategicMerge
        : []),
    ]) {
      let rel: unknown = p;
      if (typeof p !== 'string') rel = isRecord(p) ? p.path : undefined;
      if (typeof rel === 'string' && !rel.includes('\n')) {
        patchFiles.add(join(dir, rel));
      }
    }
    overlays.push({
      dir,
      kustomization: { file, index: 0, doc },
      namespace: typeof k.namespace === 'string' ? k.namespace : undefined,
      patchFiles,
    });
  }
  return overlays;
}

/** Files a kustomization reaches through `resources`/`bases`, transitively. */
function reachable(
  parsed: Map<string, ParsedFile>,
  dir: string,
  seen = new Set<string>(),
): Set<string> {
  const out = new Set<string>();
  const kFile = [...parsed.keys()].find(
    p => dirOf(p) === dir && KUSTOMIZATION.test(p),
  );
  if (!kFile || seen.has(kFile)) return out;
  seen.add(kFile);
  const k = jsOf(parsed.get(kFile)!.docs[0]);
  const entries = [
    ...(Array.isArray(k?.resources) ? k.resources : []),
    ...(Array.isArray(k?.bases) ? k.bases : []),
  ].filter((r: unknown): r is string => typeof r === 'string');
  for (const rel of entries) {
    const target = join(dir, rel);
    if (parsed.has(target)) out.add(target);
    else {
      for (const f of reachable(parsed, target, seen)) out.add(f);
    }
  }
  return out;
}

function applyOne(
  parsed: Map<string, ParsedFile>,
  change: ManifestChange,
  options: ManifestEditOptions,
): ManifestEdit {
  const segments = parsePointer(change.path);
  if (segments.length === 0) {
    throw new InputError(
      `Change to ${describe(
        change,
      )} has an empty path; expected a field such as /spec/replicas`,
    );
  }
  const overlays = overlaysOf(parsed);
  const allPatchFiles = new Set(overlays.flatMap(o => [...o.patchFiles]));

  // Every document of that kind and name.
  const matches: DocRef[] = [];
  for (const file of parsed.values()) {
    if (KUSTOMIZATION.test(file.path)) continue;
    file.docs.forEach((doc, index) => {
      const obj = jsOf(doc);
      if (Array.isArray(obj)) {
        // A JSON 6902 patch file: matched through its overlay's target below.
        return;
      }
      if (
        isRecord(obj) &&
        obj.kind === change.kind &&
        obj.metadata?.name === change.name
      ) {
        matches.push({ file, index, doc });
      }
    });
  }
  const resources = matches.filter(m => !allPatchFiles.has(m.file.path));

  // The overlay.
  let overlay: Overlay | undefined;
  const deploying = overlays.filter(o => o.patchFiles.size > 0 || o.namespace);
  if (options.overlay) {
    const dir = options.overlay.replace(/^\.?\/+|\/+$/g, '');
    overlay = overlays.find(o => o.dir === dir);
    if (!overlay) {
      throw new InputError(
        `No kustomization in '${dir}' (overlays found: ${
          overlays.map(o => o.dir || '.').join(', ') || 'none'
        })`,
      );
    }
  } else if (change.namespace && deploying.some(o => o.namespace)) {
    overlay = deploying.find(o => o.namespace === change.namespace);
    if (!overlay) {
      throw new InputError(
        `No overlay deploys to namespace '${change.namespace}' for ${describe(
          change,
        )} (overlay namespaces: ${deploying
          .map(o => `${o.dir || '.'}=${o.namespace ?? '(none)'}`)
          .join(', ')})`,
      );
    }
  } else if (deploying.length === 1) {
    overlay = deploying[0];
  } else if (deploying.length > 1) {
    throw new InputError(
      `Several overlays (${deploying
        .map(o => o.dir)
        .join(', ')}) deploy ${describe(
        change,
      )}; the change names no namespace, so pass the overlay to edit`,
    );
  }

  if (overlay) {
    const ov = overlay;
    const kDoc = ov.kustomization.doc;
    const k = jsOf(kDoc);
    // 1. replicas: [{name, count}]
    if (change.path === '/spec/replicas' && Array.isArray(k.replicas)) {
      const i = k.replicas.findIndex(
        (r: any) => isRecord(r) && r.name === change.name,
      );
      if (i >= 0) {
        return editAt(
          ov.kustomization,
          ['replicas', i, 'count'],
          change,
          'kustomization-replicas',
        );
      }
    }
    // 2. JSON 6902 patch files aimed at the object.
    const entries = [
      ...(Array.isArray(k.patches) ? k.patches : []),
      ...(Array.isArray(k.patchesJson6902) ? k.patchesJson6902 : []),
    ];
    for (const entry of entries) {
      if (!isRecord(entry) || typeof entry.path !== 'string') continue;
      const t = entry.target;
      if (!isRecord(t) || t.kind !== change.kind || t.name !== change.name) {
        continue;
      }
      const file = parsed.get(join(ov.dir, entry.path));
      if (!file) continue;
      const ops = jsOf(file.docs[0]);
      if (!Array.isArray(ops)) continue;
      const i = ops.findIndex(
        (op: any) =>
          isRecord(op) &&
          op.path === change.path &&
          (op.op === 'replace' || op.op === 'add'),
      );
      if (i >= 0) {
        return editAt(
          { file, index: 0, doc: file.docs[0] },
          [i, 'value'],
          change,
          'json6902-patch',
        );
      }
    }
    // 3. Strategic-merge patches of the overlay.
    const patches = matches.filter(m => ov.patchFiles.has(m.file.path));
    const resource = pickResource(
      resources.filter(r => reachable(parsed, ov.dir).has(r.file.path)),
      change,
    );
    for (const patch of patches) {
      const mapped = mapIntoPatch(resource, patch, segments);
      if (mapped && hasPath(patch.doc, mapped)) {
        return editAt(patch, mapped, change, 'overlay-patch');
      }
    }
    // 4. Shared resource + a patch for the object: add to the patch.
    if (resource && patches.length > 0 && change.op !== 'remove') {
      // Top-level kustomizations (not included by another) that build it.
      const included = new Set(
        overlays.flatMap(o => {
          const ok = jsOf(o.kustomization.doc);
          return [
            ...(Array.isArray(ok?.resources) ? ok.resources : []),
            ...(Array.isArray(ok?.bases) ? ok.bases : []),
          ]
            .filter((r: unknown): r is string => typeof r === 'string')
            .map(r => join(o.dir, r));
        }),
      );
      const users = overlays.filter(
        o =>
          !included.has(o.dir) &&
          reachable(parsed, o.dir).has(resource.file.path),
      );
      if (users.length > 1) {
        const patch = patches[0];
        return addToPatch(resource, patch, segments, change);
      }
    }
    if (resource) return editAt(resource, segments, change, 'resource');
    throw new InputError(
      `${describe(change)} is not found in ${
        ov.dir || 'the service folder'
      } or the resources it includes (field ${fieldName(segments)})`,
    );
  }

  const resource = pickResource(resources, change);
  if (!resource) {
    throw new InputError(
      `${describe(change)} is not found in any manifest (${
        [...parsed.keys()].join(', ') || 'no YAML files'
      }); field ${fieldName(segments)}`,
    );
  }
  return editAt(resource, segments, change, 'resource');
}

function pickResource(
  candidates: DocRef[],
  change: ManifestChange,
): DocRef | undefined {
  if (candidates.length <= 1) return candidates[0];
  const inNs = candidates.filter(
    c => jsOf(c.doc)?.metadata?.namespace === change.namespace,
  );
  if (inNs.length === 1) return inNs[0];
  throw new InputError(
    `${describe(change)} is defined more than once (${candidates
      .map(c => `${c.file.path}#${c.index + 1}`)
      .join(', ')}); give the change a namespace or an overlay`,
  );
}

function hasPath(doc: Document.Parsed, segments: Segment[]): boolean {
  return doc.hasIn(segments);
}

/**
 * Maps a pointer into the built object onto the patch: list indexes become
 * the patch's item with the same merge key. Undefined when the patch has no
 * such item.
 */
function mapIntoPatch(
  resource: DocRef | undefined,
  patch: DocRef,
  segments: Segment[],
): Segment[] | undefined {
  const base = resource ? jsOf(resource.doc) : undefined;
  const p = jsOf(patch.doc);
  const out: Segment[] = [];
  let b: any = base;
  let q: any = p;
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    if (typeof s === 'number') {
      const key = MERGE_KEYS[String(segments[i - 1])];
      if (!key || !Array.isArray(b) || !Array.isArray(q)) return undefined;
      const id = b[s]?.[key];
      const j = q.findIndex((item: any) => isRecord(item) && item[key] === id);
      if (id === undefined || j < 0) return undefined;
      out.push(j);
      b = b[s];
      q = q[j];
    } else {
      out.push(s);
      b = isRecord(b) ? b[s] : undefined;
      q = isRecord(q) ? q[s] : undefined;
    }
  }
  return out;
}

/** Builds, for the patch, the smallest object that sets the field (items by merge key). */
function addToPatch(
  resource: DocRef,
  patch: DocRef,
  segments: Segment[],
  change: ManifestChange,
): ManifestEdit {
  const base = jsOf(resource.doc);
  const current = readAt(base, segments);
  checkOld(change, current, resource.file.path, segments, true);
  // Find how far the patch already goes.
  const p = jsOf(patch.doc);
  const prefix: Segment[] = [];
  let q: any = p;
  let b: any = base;
  let i = 0;
  for (; i < segments.length; i++) {
    const s = segments[i];
    if (typeof s === 'number') {
      const key = MERGE_KEYS[String(segments[i - 1])];
      if (!key) {
        throw new InputError(
          `${patch.file.path}: cannot patch ${describe(
            change,
          )} field ${fieldName(segments)} in the overlay: '${String(
            segments[i - 1],
          )}' is a list without a merge key, so Kustomize would replace it whole; edit ${
            resource.file.path
          } by hand`,
        );
      }
      const id = b?.[s]?.[key];
      const j = Array.isArray(q)
        ? q.findIndex((item: any) => isRecord(item) && item[key] === id)
        : -1;
      if (j < 0) break;
      prefix.push(j);
      q = q[j];
      b = b[s];
    } else {
      if (!isRecord(q) || !(s in q)) break;
      prefix.push(s);
      q = q[s];
      b = b?.[s];
    }
  }
  // Build the rest as a value under the deepest existing node.
  const rest = segments.slice(i);
  const build = (k: number, bb: any): any => {
    if (k === rest.length) return change.newValue;
    const s = rest[k];
    if (typeof s === 'number') {
      const key = MERGE_KEYS[String(k === 0 ? segments[i - 1] : rest[k - 1])];
      if (!key) {
        throw new InputError(
          `${patch.file.path}: cannot patch ${describe(
            change,
          )} field ${fieldName(segments)}: a list without a merge key`,
        );
      }
      const item = bb?.[s];
      return [{ [key]: item?.[key], ...build(k + 1, item) }];
    }
    return { [s]: build(k + 1, bb?.[s]) };
  };
  let baseAtPrefix: any = base;
  for (const s of segments.slice(0, i)) baseAtPrefix = baseAtPrefix?.[s];
  const first = rest[0];
  const text = patch.file.text;
  const node = patch.doc.getIn(prefix, true) as YamlNode | undefined;
  let next: string;
  if (typeof first === 'number') {
    if (!isSeq(node)) {
      throw new InputError(
        `${patch.file.path}: ${fieldName(prefix)} is not a list`,
      );
    }
    next = insertSeqItem(text, node, build(0, baseAtPrefix)[0]);
  } else {
    if (!isMap(node)) {
      throw new InputError(
        `${patch.file.path}: ${
          fieldName(prefix) || 'the document'
        } is not a map`,
      );
    }
    const value = build(1, baseAtPrefix?.[first]);
    next = insertMapEntry(text, node, first, value);
  }
  commit(patch, next, segments, change, true);
  const updated = { ...patch, doc: patch.file.docs[patch.index] };
  const mapped = mapIntoPatch(resource, updated, segments);
  if (
    !mapped ||
    !sameValue(readAt(jsOf(updated.doc), mapped), change.newValue)
  ) {
    throw new Error(
      `${patch.file.path}: adding ${fieldName(
        segments,
      )} to the patch of ${describe(change)} did not take`,
    );
  }
  return {
    file: patch.file.path,
    kind: change.kind,
    name: change.name,
    path: change.path,
    field: fieldName(mapped),
    via: 'overlay-patch-added',
    ...(current !== undefined ? { from: current } : {}),
    to: change.newValue,
  };
}

function readAt(value: any, segments: Segment[]): unknown {
  let v = value;
  for (const s of segments) {
    if (v === null || typeof v !== 'object') return undefined;
    v = v[s as any];
  }
  return v;
}

function checkOld(
  change: ManifestChange,
  current: unknown,
  file: string,
  segments: Segment[],
  present: boolean,
) {
  if (change.oldValue === undefined) return;
  if (!present || !sameValue(current, change.oldValue)) {
    throw new ConflictError(
      `${file}: ${describe(change)} field ${fieldName(segments)} is ${
        current === undefined ? 'not set' : JSON.stringify(current)
      }, not ${JSON.stringify(
        change.oldValue,
      )} as the recommendation expects; the manifest changed since, so refresh the recommendation`,
    );
  }
}

function editAt(
  ref: DocRef,
  segments: Segment[],
  change: ManifestChange,
  via: ManifestEdit['via'],
): ManifestEdit {
  const { doc, file } = ref;
  const present = doc.hasIn(segments);
  const current = present ? readAt(jsOf(doc), segments) : undefined;
  checkOld(change, current, file.path, segments, present);
  let next: string;
  if (change.op === 'remove') {
    if (!present) {
      throw new InputError(
        `${file.path}: ${describe(change)} has no field ${fieldName(
          segments,
        )} to remove`,
      );
    }
    next = removeEntry(file.text, doc, segments);
  } else if (present) {
    const node = doc.getIn(segments, true) as YamlNode;
    next = replaceNode(file.text, node, change.newValue);
  } else {
    // Add: the deepest existing map along the path gets the rest.
    let depth = segments.length - 1;
    while (depth > 0 && !doc.hasIn(segments.slice(0, depth))) depth--;
    const parentPath = segments.slice(0, depth);
    const parent = (
      parentPath.length ? doc.getIn(parentPath, true) : doc.contents
    ) as YamlNode | null;
    const key = segments[depth];
    if (!isMap(parent) || typeof key === 'number') {
      throw new InputError(
        `${file.path}: ${describe(change)} has no field ${fieldName(
          segments.slice(0, depth + 1),
        )}, and it cannot be added there (not a map)`,
      );
    }
    let value: any = change.newValue;
    for (let i = segments.length - 1; i > depth; i--) {
      const s = segments[i];
      if (typeof s === 'number') {
        throw new InputError(
          `${file.path}: ${describe(change)} has no list ${fieldName(
            segments.slice(0, i),
          )}`,
        );
      }
      value = { [s]: value };
    }
    next = insertMapEntry(file.text, parent, key, value);
  }
  commit(ref, next, segments, change);
  return {
    file: file.path,
    kind: change.kind,
    name: change.name,
    path: change.path,
    field: fieldName(segments),
    via,
    ...(present ? { from: current } : {}),
    ...(change.op !== 'remove' ? { to: change.newValue } : {}),
  };
}

/**
 * Swaps the file's text and re-parses it, refusing the edit unless the
 * document equals what the Document API gives for the same change.
 */
function commit(
  ref: DocRef,
  next: string,
  segments: Segment[],
  change: ManifestChange,
  addedToPatch = false,
) {
  const { file, index, doc } = ref;
  const expected = doc.clone();
  if (change.op === 'remove') expected.deleteIn(segments);
  else if (!addedToPatch) expected.setIn(segments, change.newValue);
  const reparsed = parseFile({ path: file.path, content: next });
  if (reparsed.docs.length !== file.docs.length) {
    throw new Error(
      `${file.path}: editing ${describe(
        change,
      )} changed the number of documents`,
    );
  }
  const got = jsOf(reparsed.docs[index]);
  const want = expected.toJS();
  // A field added to a patch is checked by the caller (list items by merge key).
  if (!addedToPatch && JSON.stringify(got) !== JSON.stringify(want)) {
    throw new Error(
      `${file.path}: the edit of ${describe(change)} field ${fieldName(
        segments,
      )} did not give the expected document`,
    );
  }
  for (let i = 0; i < file.docs.length; i++) {
    if (
      i !== index &&
      JSON.stringify(jsOf(reparsed.docs[i])) !==
        JSON.stringify(jsOf(file.docs[i]))
    ) {
      throw new Error(`${file.path}: an edit touched another document`);
    }
  }
  file.text = next;
  file.docs = reparsed.docs;
}

// --- Text splicing -------------------------------------------------------

function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

function columnOf(text: string, pos: number): number {
  return pos - lineStart(text, pos);
}

/** The new scalar in the old one's quoting style where that keeps its type. */
function renderScalar(old: YamlNode | undefined, value: unknown): string {
  if (typeof value === 'string') {
    const style = isScalar(old) ? old.type : undefined;
    if (style === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
    if (style === 'QUOTE_DOUBLE') return JSON.stringify(value);
    const plain = stringify(value, { lineWidth: 0 }).trimEnd();
    return plain.includes('\n') ? JSON.stringify(value) : plain;
  }
  if (
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    value === null
  ) {
    return String(value);
  }
  return stringify(value, { flow: true, lineWidth: 0 }).trimEnd();
}

function replaceNode(text: string, node: YamlNode, value: unknown): string {
  const [start, end] = node.range!;
  if (isScalar(node) || value === null || typeof value !== 'object') {
    if (!isScalar(node) && !(node as any).flow) {
      // A block collection becomes a scalar: keep it on the key's line.
      const replacement = ` ${renderScalar(undefined, value)}\n`;
      const from = text.lastIndexOf(':', start) + 1;
      return text.slice(0, from) + replacement + text.slice(end);
    }
    return text.slice(0, start) + renderScalar(node, value) + text.slice(end);
  }
  if ((node as any).flow) {
    return (
      text.slice(0, start) +
      stringify(value, { flow: true, lineWidth: 0 }).trimEnd() +
      text.slice(end)
    );
  }
  // Block collection → block collection at the same indentation.
  const indent = ' '.repeat(columnOf(text, start));
  const block = indentBlock(stringify(value, { lineWidth: 0 }), indent);
  const from = lineStart(text, start);
  return text.slice(0, from) + block + text.slice(end);
}

function indentBlock(yamlText: string, indent: string): string {
  return yamlText
    .replace(/\n$/, '')
    .split('\n')
    .map(l => (l ? indent + l : l))
    .join('\n')
    .concat('\n');
}

/** The offset after the line on which `pos` sits (or the end of text). */
function afterLine(text: string, pos: number): number {
  if (pos > 0 && text[pos - 1] === '\n') return pos;
  const nl = text.indexOf('\n', pos);
  return nl < 0 ? text.length : nl + 1;
}

function insertMapEntry(
  text: string,
  map: YAMLMap,
  key: string,
  value: unknown,
): string {
  const entry = stringify({ [key]: value }, { lineWidth: 0 });
  if (map.flow || map.items.length === 0) {
    // Re-print only this flow map.
    const [start, end] = map.range!;
    const next = map.clone() as YAMLMap;
    next.set(key, value);
    const printed = String(
      stringify(next.toJSON(), { flow: true, lineWidth: 0 }),
    ).trimEnd();
    if (map.items.length === 0 && !map.flow) {
      throw new InputError(`Cannot add '${key}' to an empty block map`);
    }
    return text.slice(0, start) + printed + text.slice(end);
  }
  const firstKey = (map.items[0] as Pair<YamlNode, YamlNode>).key as YamlNode;
  const indent = ' '.repeat(columnOf(text, firstKey.range![0]));
  const last = map.items[map.items.length - 1] as Pair<YamlNode, YamlNode>;
  const lastEnd = (last.value ?? last.key)!.range![2] ?? map.range![1];
  let at = afterLine(text, lastEnd);
  if (at === text.length && !text.endsWith('\n')) {
    return `${text}\n${indentBlock(entry, indent)}`.replace(/\n$/, '');
  }
  // Keep a trailing comment line of the last entry with it.
  at = Math.max(at, lineStart(text, Math.min(map.range![1], text.length)));
  if (text[at - 1] !== '\n') at = afterLine(text, at);
  return text.slice(0, at) + indentBlock(entry, indent) + text.slice(at);
}

function insertSeqItem(text: string, seq: YAMLSeq, value: unknown): string {
  if (seq.flow || seq.items.length === 0) {
    throw new InputError('Cannot add an item to a flow or empty list');
  }
  const first = seq.items[0] as YamlNode;
  const dash = text.lastIndexOf('-', first.range![0]);
  const indent = ' '.repeat(columnOf(text, dash));
  const item = stringify([value], { lineWidth: 0 });
  const at = afterLine(text, seq.range![1] - 1);
  return text.slice(0, at) + indentBlock(item, indent) + text.slice(at);
}

function removeEntry(
  text: string,
  doc: Document.Parsed,
  segments: Segment[],
): string {
  const parentPath = segments.slice(0, -1);
  const key = segments[segments.length - 1];
  const parent = (
    parentPath.length ? doc.getIn(parentPath, true) : doc.contents
  ) as YamlNode;
  if (isMap(parent) && !parent.flow) {
    const pair = parent.items.find(
      p => (isScalar(p.key) ? p.key.value : p.key) === key,
    ) as Pair<YamlNode, YamlNode>;
    const from = lineStart(text, pair.key!.range![0]);
    const to = afterLine(text, (pair.value ?? pair.key)!.range![1] - 1);
    return text.slice(0, from) + text.slice(to);
  }
  if (isSeq(parent) && !parent.flow && typeof key === 'number') {
    const item = parent.items[key] as YamlNode;
    const from = lineStart(text, item.range![0]);
    const to = afterLine(text, item.range![1] - 1);
    return text.slice(0, from) + text.slice(to);
  }
  // Flow collection: re-print it.
  const clone = doc.clone();
  clone.deleteIn(segments);
  const [start, end] = parent.range!;
  const js = parentPath.length ? clone.getIn(parentPath) : clone.contents;
  const printed = stringify((js as any)?.toJSON ? (js as any).toJSON() : js, {
    flow: true,
    lineWidth: 0,
  }).trimEnd();
  return text.slice(0, start) + printed + text.slice(end);
}
