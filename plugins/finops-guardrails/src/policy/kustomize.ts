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
import {
  asKubernetesObject,
  parseManifestFile,
  parseYamlDocuments,
  type KubernetesObject,
  type ManifestFile,
  type ManifestObject,
} from './manifests';

// A Kustomize subset, so that `ai-finops check` and `estimate` see what
// `kustomize build` would apply without the kustomize binary (and in the
// browser): resources (files and directories), patches (strategic merge and
// JSON 6902, inline or by path, with targets), patchesStrategicMerge,
// patchesJson6902, namespace, namePrefix/nameSuffix (also renaming the
// scaleTargetRef of HPAs and KEDA ScaledObjects), commonLabels, labels,
// commonAnnotations, images and replicas. Strategic merge uses the patch
// merge keys of the core types (containers by name, env by name, volumes by
// name, volumeMounts by mountPath, ports by containerPort, …); other lists are
// replaced. Anything else (generators, helmCharts, components, replacements,
// remote resources) is refused with a message naming the field, so a result
// is never silently different from kustomize's: render those with
// `kustomize build` and pass the output instead.

const KUSTOMIZATION_NAMES = [
  'kustomization.yaml',
  'kustomization.yml',
  'Kustomization',
];

const SUPPORTED_FIELDS = new Set([
  'apiVersion',
  'kind',
  'metadata',
  'resources',
  'bases',
  'patches',
  'patchesStrategicMerge',
  'patchesJson6902',
  'namespace',
  'namePrefix',
  'nameSuffix',
  'commonLabels',
  'labels',
  'commonAnnotations',
  'images',
  'replicas',
  'buildMetadata',
  'sortOptions',
]);

const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'StorageClass',
  'PriorityClass',
  'IngressClass',
  'RuntimeClass',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'APIService',
  'CSIDriver',
  'VolumeAttachment',
  'ClusterIssuer',
  'GuardrailParams',
]);

const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  envFrom: '',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  resourceClaims: 'name',
  topologySpreadConstraints: 'topologyKey',
};

const isRecord = (v: unknown): v is Record<string, any> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const clone = <T>(v: T): T =>
  v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);

/**
 * `a/b/../c` → `a/c`; leading `./` dropped.
 *
 * @public
 */
export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0 || out[out.length - 1] === '..') out.push('..');
      else out.pop();
    } else out.push(part);
  }
  return out.join('/');
}

const dirname = (path: string) => {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
};
const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const join = (dir: string, rel: string) =>
  normalizePath(dir ? `${dir}/${rel}` : rel);

interface Target {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

interface Kustomization {
  dir: string;
  file: string;
  spec: Record<string, any>;
}

class Renderer {
  readonly #files = new Map<string, ManifestFile>();
  readonly #kustomizations = new Map<string, Kustomization>();
  /** Files read by some kustomization (resources and patches). */
  readonly consumed = new Set<string>();
  /** Kustomization directories used as a resource of another. */
  readonly referencedDirs = new Set<string>();

  constructor(files: ManifestFile[]) {
    for (const f of files) this.#files.set(normalizePath(f.path), f);
    for (const f of this.#files.values()) {
      if (KUSTOMIZATION_NAMES.includes(basename(f.path))) {
        const dir = dirname(normalizePath(f.path));
        if (this.#kustomizations.has(dir)) {
          throw new InputError(
            `${f.path}: directory '${
              dir || '.'
            }' has more than one kustomization file`,
          );
        }
        const docs = parseYamlDocuments(f);
        const spec = docs[0]?.value ?? {};
        if (!isRecord(spec) || docs.length > 1) {
          throw new InputError(
            `${f.path}: a kustomization must be a single YAML mapping`,
          );
        }
        this.#kustomizations.set(dir, { dir, file: f.path, spec });
      }
    }
  }

  get kustomizationDirs(): string[] {
    return [...this.#kustomizations.keys()];
  }

  /** Renders every kustomization and marks what they consume. */
  renderAll(): Map<string, ManifestObject[]> {
    const rendered = new Map<string, ManifestObject[]>();
    for (const dir of this.#kustomizations.keys()) {
      rendered.set(dir, this.render(dir, []));
    }
    return rendered;
  }

  render(dir: string, stack: string[]): ManifestObject[] {
    const k = this.#kustomizations.get(dir);
    if (!k) {
      throw new InputError(
        `${stack[stack.length - 1] ?? dir}: '${dir}' has no kustomization.yaml`,
      );
    }
    if (stack.includes(dir)) {
      throw new InputError(
        `${k.file}: kustomizations form a cycle: ${[...stack, dir].join(
          ' → ',
        )}`,
      );
    }
    const spec = k.spec;
    for (const field of Object.keys(spec)) {
      if (!SUPPORTED_FIELDS.has(field)) {
        throw new InputError(
          `${
            k.file
          }: field '${field}' is not supported by the ai-finops kustomize reader; run \`kustomize build ${
            dir || '.'
          }\` and check its output instead`,
        );
      }
    }
    const label = dir || '.';
    let objects: ManifestObject[] = [];
    const resources = [
      ...this.#stringList(k, 'resources'),
      ...this.#stringList(k, 'bases'),
    ];
    for (const entry of resources) {
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || entry.startsWith('git@')) {
        throw new InputError(
          `${k.file}: resource '${entry}' is remote; ai-finops reads local files only`,
        );
      }
      const path = join(dir, entry);
      if (this.#kustomizations.has(path)) {
        this.referencedDirs.add(path);
        for (const o of this.render(path, [...stack, dir])) objects.push(o);
        continue;
      }
      const file = this.#files.get(path);
      if (!file) {
        throw new InputError(
          `${k.file}: resource '${entry}' not found (looked for ${path})`,
        );
      }
      this.consumed.add(path);
      for (const o of parseManifestFile(file)) objects.push(o);
    }
    objects = objects.map(o => ({
      ...o,
      kustomization: label,
      object: clone(o.object),
    }));

    for (const [i, entry] of this.#list(k, 'patchesStrategicMerge').entries()) {
      if (typeof entry !== 'string') {
        throw new InputError(
          `${k.file}: patchesStrategicMerge[${i}] must be a path or an inline patch`,
        );
      }
      for (const patch of this.#patchDocs(
        k,
        entry,
        `patchesStrategicMerge[${i}]`,
      )) {
        this.#applyStrategicMerge(
          k,
          objects,
          patch.value,
          undefined,
          patch.where,
        );
      }
    }
    for (const [i, entry] of this.#list(k, 'patches').entries()) {
      const where = `patches[${i}]`;
      if (
        !isRecord(entry) ||
        (entry.path === undefined) === (entry.patch === undefined)
      ) {
        throw new InputError(
          `${k.file}: ${where} needs exactly one of path or patch`,
        );
      }
      const target = entry.target as Target | undefined;
      const text = entry.path ?? entry.patch;
      for (const patch of this.#patchDocs(
        k,
        String(text),
        where,
        entry.path !== undefined,
      )) {
        if (Array.isArray(patch.value)) {
          if (!target) {
            throw new InputError(
              `${k.file}: ${where} is a JSON 6902 patch and needs a target`,
            );
          }
          this.#applyJson6902(k, objects, target, patch.value, patch.where);
        } else {
          this.#applyStrategicMerge(
            k,
            objects,
            patch.value,
            target,
            patch.where,
          );
        }
      }
    }
    const namespace = spec.namespace;
    if (namespace !== undefined) {
      if (typeof namespace !== 'string') {
        throw new InputError(`${k.file}: namespace must be a string`);
      }
      for (const o of objects) {
        if (!CLUSTER_SCOPED_KINDS.has(o.object.kind)) {
          o.object.metadata.namespace = namespace;
        }
      }
    }
    const prefix = this.#optionalString(k, 'namePrefix') ?? '';
    const suffix = this.#optionalString(k, 'nameSuffix') ?? '';
    if (prefix || suffix) {
      const renamed = new Map<string, string>();
      for (const o of objects) {
        if (
          o.object.kind === 'Namespace' ||
          o.object.kind === 'CustomResourceDefinition'
        )
          continue;
        const name = `${prefix}${o.object.metadata.name}${suffix}`;
        renamed.set(`${o.object.kind}/${o.object.metadata.name}`, name);
        o.object.metadata.name = name;
      }
      for (const o of objects) {
        const ref = (o.object.spec as any)?.scaleTargetRef;
        if (isRecord(ref) && typeof ref.name === 'string') {
          const kind = typeof ref.kind === 'string' ? ref.kind : 'Deployment';
          ref.name = renamed.get(`${kind}/${ref.name}`) ?? ref.name;
        }
      }
    }
    const labelSets: Array<{
      pairs: Record<string, string>;
      selectors: boolean;
      templates: boolean;
    }> = [];
    if (spec.commonLabels !== undefined) {
      labelSets.push({
        pairs: this.#stringMap(k, spec.commonLabels, 'commonLabels'),
        selectors: true,
        templates: true,
      });
    }
    for (const [i, l] of this.#list(k, 'labels').entries()) {
      if (!isRecord(l)) {
        throw new InputError(`${k.file}: labels[${i}] must be a mapping`);
      }
      labelSets.push({
        pairs: this.#stringMap(k, l.pairs ?? {}, `labels[${i}].pairs`),
        selectors: l.includeSelectors === true,
        templates: l.includeTemplates === true || l.includeSelectors === true,
      });
    }
    for (const set of labelSets) {
      for (const o of objects)
        applyLabels(o.object, set.pairs, set.selectors, set.templates);
    }
    if (spec.commonAnnotations !== undefined) {
      const pairs = this.#stringMap(
        k,
        spec.commonAnnotations,
        'commonAnnotations',
      );
      for (const o of objects) {
        o.object.metadata.annotations = {
          ...o.object.metadata.annotations,
          ...pairs,
        };
        const template = (o.object.spec as any)?.template;
        if (isRecord(template)) {
          template.metadata = isRecord(template.metadata)
            ? template.metadata
            : {};
          template.metadata.annotations = {
            ...template.metadata.annotations,
            ...pairs,
          };
        }
      }
    }
    for (const [i, entry] of this.#list(k, 'replicas').entries()) {
      if (
        !isRecord(entry) ||
        typeof entry.name !== 'string' ||
        !Number.isInteger(entry.count)
      ) {
        throw new InputError(
          `${k.file}: replicas[${i}] needs a name and an integer count`,
        );
      }
      const hits = objects.filter(
        o =>
          o.object.metadata.name === entry.name &&
          isRecord(o.object.spec) &&
          [
            'Deployment',
            'StatefulSet',
            'ReplicaSet',
            'ReplicationController',
          ].includes(o.object.kind),
      );
      if (hits.length === 0) {
        throw new InputError(
          `${k.file}: replicas[${i}]: no Deployment, StatefulSet or ReplicaSet named '${entry.name}'`,
        );
      }
      for (const o of hits) (o.object.spec as any).replicas = entry.count;
    }
    for (const [i, entry] of this.#list(k, 'images').entries()) {
      if (!isRecord(entry) || typeof entry.name !== 'string') {
        throw new InputError(`${k.file}: images[${i}] needs a name`);
      }
      for (const o of objects) applyImage(o.object, entry);
    }
    return objects;
  }

  #list(k: Kustomization, field: string): unknown[] {
    const v = k.spec[field];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      throw new InputError(`${k.file}: ${field} must be a list`);
    }
    return v;
  }

  #stringList(k: Kustomization, field: string): string[] {
    return this.#list(k, field).map((v, i) => {
      if (typeof v !== 'string') {
        throw new InputError(`${k.file}: ${field}[${i}] must be a string`);
      }
      return v;
    });
  }

  #optionalString(k: Kustomization, field: string): string | undefined {
    const v = k.spec[field];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') {
      throw new InputError(`${k.file}: ${field} must be a string`);
    }
    return v;
  }

  #stringMap(
    k: Kustomization,
    v: unknown,
    field: string,
  ): Record<string, string> {
    if (!isRecord(v) || Object.values(v).some(x => typeof x !== 'string')) {
      throw new InputError(
        `${k.file}: ${field} must map names to strings (quote numbers and booleans)`,
      );
    }
    return v as Record<string, string>;
  }

  #patchDocs(
    k: Kustomization,
    text: string,
    where: string,
    isPath = !text.includes('\n'),
  ): Array<{ value: unknown; where: string }> {
    if (isPath) {
      const path = join(k.dir, text);
      const file = this.#files.get(path);
      if (!file) {
        throw new InputError(
          `${k.file}: ${where}: patch file '${text}' not found (looked for ${path})`,
        );
      }
      this.consumed.add(path);
      return parseYamlDocuments(file).map(d => ({
        value: d.value,
        where: `${file.path}:${d.line}`,
      }));
    }
    return parseYamlDocuments({
      path: `${k.file} ${where}`,
      content: text,
    }).map(d => ({
      value: d.value,
      where: `${k.file} ${where}`,
    }));
  }

  #applyStrategicMerge(
    k: Kustomization,
    objects: ManifestObject[],
    patch: unknown,
    target: Target | undefined,
    where: string,
  ) {
    if (!isRecord(patch)) {
      throw new InputError(
        `${where}: a strategic merge patch must be a mapping`,
      );
    }
    let hits: ManifestObject[];
    if (target) {
      hits = objects.filter(o => matchesTarget(o.object, target, where));
    } else {
      const p = asKubernetesObject(patch, { file: where, line: 0 });
      hits = objects.filter(
        o =>
          o.object.kind === p.kind &&
          o.object.metadata.name === p.metadata.name &&
          groupOf(o.object.apiVersion) === groupOf(p.apiVersion) &&
          (!p.metadata.namespace ||
            p.metadata.namespace === o.object.metadata.namespace),
      );
    }
    if (hits.length === 0) {
      throw new InputError(
        `${where}: the patch matches no resource of ${k.dir || '.'}${
          isRecord(patch.metadata)
            ? ` (looked for ${String(patch.kind)} ${String(
                patch.metadata.name,
              )})`
            : ''
        }`,
      );
    }
    for (const o of hits) {
      const body = { ...patch };
      if (target) {
        // A targeted patch may carry any name; keep the target's identity.
        delete body.metadata;
        if (isRecord(patch.metadata)) {
          const { name: _n, namespace: _ns, ...rest } = patch.metadata;
          if (Object.keys(rest).length > 0) body.metadata = rest;
        }
        delete body.apiVersion;
        delete body.kind;
      }
      const merged = strategicMerge(o.object, body);
      o.object = asKubernetesObject(merged, { file: where, line: 0 });
    }
  }

  #applyJson6902(
    k: Kustomization,
    objects: ManifestObject[],
    target: Target,
    ops: unknown[],
    where: string,
  ) {
    const hits = objects.filter(o => matchesTarget(o.object, target, where));
    if (hits.length === 0) {
      throw new InputError(
        `${where}: the JSON 6902 patch target matches no resource of ${
          k.dir || '.'
        }`,
      );
    }
    for (const o of hits) {
      let doc: any = clone(o.object);
      ops.forEach((op, i) => {
        doc = applyJsonPatchOp(doc, op, `${where} op ${i}`);
      });
      o.object = asKubernetesObject(doc, { file: where, line: 0 });
    }
  }
}

/** Whether objects of a kind live outside namespaces. */
export function isClusterScopedKind(kind: string): boolean {
  return CLUSTER_SCOPED_KINDS.has(kind);
}

/** The API group of an apiVersion: `apps` for `apps/v1`, `` for `v1`. */
export function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

function versionOf(apiVersion: string): string {
  return apiVersion.slice(apiVersion.indexOf('/') + 1);
}

/** Equality-based label selector `a=b,c!=d,e,!f` (kustomize target selectors). */
function matchesSelector(
  labels: Record<string, string> | undefined,
  selector: string,
  where: string,
): boolean {
  const l = labels ?? {};
  return selector
    .split(',')
    .map(t => t.trim())
    .filter(Boolean)
    .every(term => {
      let m = /^([^!=\s]+)\s*!=\s*(\S*)$/.exec(term);
      if (m) return l[m[1]] !== m[2];
      m = /^([^!=\s]+)\s*==?\s*(\S*)$/.exec(term);
      if (m) return l[m[1]] === m[2];
      m = /^!([^!=\s]+)$/.exec(term);
      if (m) return !(m[1] in l);
      m = /^([^!=\s]+)$/.exec(term);
      if (m) return m[1] in l;
      throw new InputError(`${where}: unsupported selector term '${term}'`);
    });
}

function matchesTarget(o: KubernetesObject, t: Target, where: string): boolean {
  const full = (pattern: string, value: string) => {
    try {
      return new RegExp(`^(?:${pattern})$`).test(value);
    } catch {
      throw new InputError(
        `${where}: target pattern '${pattern}' is not a valid regular expression`,
      );
    }
  };
  if (t.group !== undefined && t.group !== groupOf(o.apiVersion)) return false;
  if (t.version !== undefined && t.version !== versionOf(o.apiVersion))
    return false;
  if (t.kind !== undefined && t.kind !== o.kind) return false;
  if (t.name !== undefined && !full(t.name, o.metadata.name)) return false;
  if (
    t.namespace !== undefined &&
    !full(t.namespace, o.metadata.namespace ?? '')
  )
    return false;
  if (
    t.labelSelector !== undefined &&
    !matchesSelector(o.metadata.labels, t.labelSelector, where)
  )
    return false;
  if (
    t.annotationSelector !== undefined &&
    !matchesSelector(o.metadata.annotations, t.annotationSelector, where)
  )
    return false;
  return true;
}

/**
 * Strategic merge patch with the core types' merge keys; `null` deletes a
 * field, `$patch: delete` removes a map or list item, `$patch: replace`
 * replaces instead of merging.
 *
 * @public
 */
export function strategicMerge(
  target: unknown,
  patch: unknown,
  field?: string,
): any {
  if (isRecord(patch)) {
    if (patch.$patch === 'delete') return undefined;
    if (patch.$patch === 'replace') {
      const { $patch: _p, ...rest } = patch;
      return stripDirectives(rest);
    }
    const out: Record<string, any> = isRecord(target) ? { ...target } : {};
    for (const [k, v] of Object.entries(patch)) {
      if (k.startsWith('$')) continue;
      if (v === null) {
        delete out[k];
        continue;
      }
      const merged = strategicMerge(out[k], v, k);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
    return out;
  }
  if (Array.isArray(patch)) {
    const key = field ? MERGE_KEYS[field] : undefined;
    if (patch.some(item => isRecord(item) && item.$patch === 'replace')) {
      return patch
        .filter(item => !(isRecord(item) && item.$patch === 'replace'))
        .map(stripDirectives);
    }
    if (!key || !Array.isArray(target)) {
      return patch
        .filter(item => !(isRecord(item) && item.$patch === 'delete'))
        .map(stripDirectives);
    }
    const out = [...target];
    for (const item of patch) {
      if (!isRecord(item) || !(key in item)) {
        out.push(stripDirectives(item));
        continue;
      }
      const i = out.findIndex(t => isRecord(t) && t[key] === item[key]);
      if (item.$patch === 'delete') {
        if (i >= 0) out.splice(i, 1);
      } else if (i >= 0) {
        out[i] = strategicMerge(out[i], item);
      } else {
        out.push(stripDirectives(item));
      }
    }
    return out;
  }
  return patch;
}

function stripDirectives(v: unknown): any {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (isRecord(v)) {
    const out: Record<string, any> = {};
    for (const [k, x] of Object.entries(v))
      if (!k.startsWith('$')) out[k] = stripDirectives(x);
    return out;
  }
  return v;
}

function pointer(path: unknown, where: string): string[] {
  if (typeof path !== 'string' || (path !== '' && !path.startsWith('/'))) {
    throw new InputError(
      `${where}: path must be a JSON pointer such as /spec/replicas`,
    );
  }
  return path === ''
    ? []
    : path
        .slice(1)
        .split('/')
        .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function applyJsonPatchOp(doc: any, op: unknown, where: string): any {
  if (!isRecord(op) || typeof op.op !== 'string') {
    throw new InputError(`${where}: each JSON 6902 operation needs an op`);
  }
  const path = pointer(op.path, where);
  const get = (p: string[]) => {
    let cur = doc;
    for (const seg of p) {
      if (Array.isArray(cur)) cur = cur[Number(seg)];
      else if (isRecord(cur)) cur = cur[seg];
      else return undefined;
    }
    return cur;
  };
  const parentOf = (p: string[]) => {
    const parent = get(p.slice(0, -1));
    if (!isRecord(parent) && !Array.isArray(parent)) {
      throw new InputError(
        `${where}: ${String(op.path)}: the parent does not exist`,
      );
    }
    return parent as any;
  };
  const remove = (p: string[]) => {
    const parent = parentOf(p);
    const last = p[p.length - 1];
    if (Array.isArray(parent)) {
      const i = Number(last);
      if (!Number.isInteger(i) || i < 0 || i >= parent.length) {
        throw new InputError(`${where}: ${p.join('/')}: no such list item`);
      }
      return parent.splice(i, 1)[0];
    }
    if (!(last in parent)) {
      throw new InputError(`${where}: /${p.join('/')}: no such field`);
    }
    const v = parent[last];
    delete parent[last];
    return v;
  };
  const add = (p: string[], value: unknown) => {
    if (p.length === 0) return clone(value);
    const parent = parentOf(p);
    const last = p[p.length - 1];
    if (Array.isArray(parent)) {
      const i = last === '-' ? parent.length : Number(last);
      if (!Number.isInteger(i) || i < 0 || i > parent.length) {
        throw new InputError(`${where}: /${p.join('/')}: index out of range`);
      }
      parent.splice(i, 0, clone(value));
    } else parent[last] = clone(value);
    return doc;
  };
  switch (op.op) {
    case 'add':
      return add(path, op.value);
    case 'remove':
      remove(path);
      return doc;
    case 'replace':
      if (get(path) === undefined) {
        throw new InputError(
          `${where}: replace ${String(op.path)}: no such field`,
        );
      }
      if (path.length === 0) return clone(op.value);
      parentOf(path)[
        Array.isArray(parentOf(path))
          ? Number(path[path.length - 1])
          : path[path.length - 1]
      ] = clone(op.value);
      return doc;
    case 'move': {
      const v = remove(pointer(op.from, where));
      return add(path, v);
    }
    case 'copy':
      return add(path, get(pointer(op.from, where)));
    case 'test':
      if (JSON.stringify(get(path)) !== JSON.stringify(op.value)) {
        throw new InputError(`${where}: test ${String(op.path)} failed`);
      }
      return doc;
    default:
      throw new InputError(`${where}: unknown JSON 6902 op '${op.op}'`);
  }
}

function applyLabels(
  o: KubernetesObject,
  pairs: Record<string, string>,
  selectors: boolean,
  templates: boolean,
) {
  o.metadata.labels = { ...o.metadata.labels, ...pairs };
  const spec = o.spec as any;
  if (!isRecord(spec)) return;
  if (templates && isRecord(spec.template)) {
    spec.template.metadata = isRecord(spec.template.metadata)
      ? spec.template.metadata
      : {};
    spec.template.metadata.labels = {
      ...spec.template.metadata.labels,
      ...pairs,
    };
  }
  if (!selectors) return;
  if (
    o.kind === 'Service' &&
    (spec.selector === undefined || isRecord(spec.selector))
  ) {
    spec.selector = { ...spec.selector, ...pairs };
  } else if (isRecord(spec.selector)) {
    spec.selector.matchLabels = { ...spec.selector.matchLabels, ...pairs };
  } else if (
    [
      'Deployment',
      'StatefulSet',
      'DaemonSet',
      'ReplicaSet',
      'Job',
      'PodDisruptionBudget',
    ].includes(o.kind)
  ) {
    spec.selector = { matchLabels: { ...pairs } };
  }
  if (o.kind === 'NetworkPolicy' && isRecord(spec.podSelector)) {
    spec.podSelector.matchLabels = {
      ...spec.podSelector.matchLabels,
      ...pairs,
    };
  }
}

function applyImage(o: KubernetesObject, entry: Record<string, any>) {
  const visit = (containers: unknown) => {
    if (!Array.isArray(containers)) return;
    for (const c of containers) {
      if (!isRecord(c) || typeof c.image !== 'string') continue;
      const m = /^(.*?)(?::([^:/@]+))?(?:@(.+))?$/.exec(c.image)!;
      if (m[1] !== entry.name) continue;
      const name = entry.newName ?? m[1];
      if (entry.digest) c.image = `${name}@${entry.digest}`;
      else if (entry.newTag) c.image = `${name}:${entry.newTag}`;
      else
        c.image = `${name}${m[2] ? `:${m[2]}` : ''}${m[3] ? `@${m[3]}` : ''}`;
    }
  };
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (isRecord(node)) {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'containers' || k === 'initContainers') visit(v);
        walk(v);
      }
    }
  };
  walk(o.spec);
}

/**
 * What {@link loadManifests} read: the objects, with the kustomizations that
 * were rendered and the documents that were skipped.
 *
 * @public
 */
export interface LoadedManifests {
  objects: ManifestObject[];
  /** Directories of the top-level kustomizations rendered (overlays). */
  kustomizations: string[];
}

/**
 * Reads the Kubernetes objects of a set of files as a repository holds them:
 * every top-level kustomization (one that no other kustomization uses as a
 * resource, such as `overlays/dev` and `overlays/prod`) is rendered; files
 * that no kustomization reads are parsed as plain manifests; YAML that is not
 * a Kubernetes object (workflows, mkdocs.yml) is skipped.
 *
 * @public
 */
export function loadManifests(files: ManifestFile[]): LoadedManifests {
  const renderer = new Renderer(files);
  const rendered = renderer.renderAll();
  const kustomizationDirs = renderer.kustomizationDirs;
  const roots = kustomizationDirs
    .filter(d => !renderer.referencedDirs.has(d))
    .sort();
  const objects: ManifestObject[] = [];
  // Loops, not push(...list): a spread of 150,000-odd objects overflows the
  // stack.
  for (const root of roots) {
    for (const o of rendered.get(root)!) objects.push(o);
  }
  const inKustomization = new Set(kustomizationDirs);
  for (const f of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    const path = normalizePath(f.path);
    if (renderer.consumed.has(path)) continue;
    if (KUSTOMIZATION_NAMES.includes(basename(path))) continue;
    // Files beside a kustomization that it does not list are not part of
    // any build; kustomize ignores them too.
    if (inKustomization.has(dirname(path))) continue;
    for (const o of parseManifestFile(f, { skipNonKubernetes: true })) {
      objects.push(o);
    }
  }
  return { objects, kustomizations: roots };
}
