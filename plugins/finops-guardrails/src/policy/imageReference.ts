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

// Container image references as the container runtime reads them: the
// grammar and the normalisation of distribution/reference
// (ParseNormalizedNamed), which containerd, CRI-O and Docker share.

const DOCKER_HUB = 'docker.io';
const LEGACY_DOCKER_HUB = 'index.docker.io';
const OFFICIAL_NAMESPACE = 'library';
/** distribution/reference's NameTotalLengthMax. */
const MAX_NAME_LENGTH = 255;
/** Longer input is refused before any pattern runs. */
const MAX_REFERENCE_LENGTH = 4096;

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(
  `^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`,
);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST =
  /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const HEX_IDENTIFIER = /^[a-f0-9]{64}$/;
/** The algorithms go-digest registers, and the length of their hex digests. */
const DIGEST_HEX_LENGTH: Record<string, number> = {
  sha256: 64,
  sha384: 96,
  sha512: 128,
};

/**
 * A parsed and normalised container image reference.
 *
 * @public
 */
export interface ImageReference {
  /** Registry host, with its port: `docker.io`, `nvcr.io`, `localhost:5000`. */
  domain: string;
  /** Repository path in the registry: `library/nginx`, `vllm/vllm-openai`. */
  path: string;
  /** `domain/path`: the repository, without tag or digest. */
  name: string;
  tag?: string;
  /** `algorithm:hex`, e.g. `sha256:…`. */
  digest?: string;
  /** The short form Docker prints: `nginx`, `vllm/vllm-openai:v0.8.5`. */
  familiar: string;
  /** The fully qualified reference: `docker.io/library/nginx:latest`. */
  normalized: string;
}

function invalid(ref: string, reason: string): never {
  throw new InputError(`invalid image reference '${ref}': ${reason}`);
}

/**
 * Splits off the registry as the runtime does: the first path component is a
 * registry only if it contains `.` or `:`, is `localhost` or has upper-case
 * letters (Docker Hub namespaces are lower-case); otherwise the image is on
 * Docker Hub, and a single-component Docker Hub name is an official image
 * under `library/`.
 */
function splitDomain(name: string): { domain: string; path: string } {
  const slash = name.indexOf('/');
  if (slash < 0)
    return { domain: DOCKER_HUB, path: `${OFFICIAL_NAMESPACE}/${name}` };
  const first = name.slice(0, slash);
  const rest = name.slice(slash + 1);
  let domain = DOCKER_HUB;
  let path = name;
  if (first === LEGACY_DOCKER_HUB) path = rest;
  else if (
    first === 'localhost' ||
    /[.:]/.test(first) ||
    first.toLowerCase() !== first
  ) {
    domain = first;
    path = rest;
  }
  if (domain === DOCKER_HUB && !path.includes('/')) {
    path = `${OFFICIAL_NAMESPACE}/${path}`;
  }
  return { domain, path };
}

/**
 * Parses an image reference (`nginx`, `vllm/vllm-openai:v0.8.5`,
 * `localhost:5000/x@sha256:…`) and normalises it as the container runtime
 * does (distribution/reference `ParseNormalizedNamed`): `docker.io` when no
 * registry is named, `library/` for official images, `index.docker.io` read
 * as `docker.io`, tag and digest split off.
 *
 * @throws InputError naming the reference and what is wrong with it.
 * @public
 */
export function parseImageReference(ref: string): ImageReference {
  if (typeof ref !== 'string' || ref === '') {
    throw new InputError('invalid image reference: it is empty');
  }
  if (ref.length > MAX_REFERENCE_LENGTH) {
    throw new InputError(
      `invalid image reference: ${ref.length} characters, over ${MAX_REFERENCE_LENGTH}`,
    );
  }
  if (HEX_IDENTIFIER.test(ref)) {
    invalid(
      ref,
      'a 64-character hexadecimal string is an image ID, not a name',
    );
  }
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) invalid(ref, `'${digest}' is not a digest`);
    const [algorithm, hex] = digest.split(':');
    const length = DIGEST_HEX_LENGTH[algorithm];
    if (length === undefined) {
      invalid(ref, `unsupported digest algorithm '${algorithm}'`);
    }
    if (hex.length !== length || !/^[0-9a-f]+$/.test(hex)) {
      invalid(ref, `a ${algorithm} digest is ${length} lower-case hex digits`);
    }
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) {
      invalid(
        ref,
        `'${tag}' is not a tag (letters, digits, _ . -, at most 128)`,
      );
    }
  }
  const { domain, path } = splitDomain(rest);
  if (path.toLowerCase() !== path) {
    invalid(ref, `the repository name '${path}' must be lower-case`);
  }
  if (!DOMAIN.test(domain)) invalid(ref, `'${domain}' is not a registry host`);
  const component = path.split('/').find(c => !PATH_COMPONENT.test(c));
  if (component !== undefined) {
    invalid(
      ref,
      component === ''
        ? 'the repository path has an empty component'
        : `'${component}' is not a repository path component (lower-case letters and digits separated by . _ __ or -)`,
    );
  }
  const name = `${domain}/${path}`;
  if (name.length > MAX_NAME_LENGTH) {
    invalid(
      ref,
      `the repository name is longer than ${MAX_NAME_LENGTH} characters`,
    );
  }
  const suffix = `${tag === undefined ? '' : `:${tag}`}${
    digest === undefined ? '' : `@${digest}`
  }`;
  let familiarName = name;
  if (domain === DOCKER_HUB) {
    const short = path.slice(OFFICIAL_NAMESPACE.length + 1);
    familiarName =
      path.startsWith(`${OFFICIAL_NAMESPACE}/`) && !short.includes('/')
        ? short
        : path;
  }
  return {
    domain,
    path,
    name,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
    familiar: familiarName + suffix,
    normalized: name + suffix,
  };
}

/**
 * The fully qualified form of an image reference, as the container runtime
 * pulls it: `nginx` → `docker.io/library/nginx`,
 * `vllm/vllm-openai:v0.8.5` → `docker.io/vllm/vllm-openai:v0.8.5`.
 *
 * @throws InputError when the reference is invalid.
 * @public
 */
export function normalizeImageReference(ref: string): string {
  return parseImageReference(ref).normalized;
}

/**
 * Whether an image's repository lies under a registry or repository prefix
 * (`nvcr.io`, `vllm/`, `docker.io/vllm`, `ghcr.io/ai-finops/`), both
 * normalised, matched on whole path components: `nvcr.io` does not cover
 * `nvcr.io.evil.example/x`. A prefix whose first component is not a registry
 * is a Docker Hub namespace (`vllm/` is `docker.io/vllm/`). The same rule as
 * the allowed-registries policy.
 *
 * @throws InputError when the image reference is invalid.
 * @public
 */
export function imageMatchesPrefix(image: string, prefix: string): boolean {
  const trimmed = prefix.replace(/\/+$/, '');
  if (trimmed === '') return false;
  const slash = trimmed.indexOf('/');
  const first = slash < 0 ? trimmed : trimmed.slice(0, slash);
  let normalizedPrefix = `${DOCKER_HUB}/${trimmed}`;
  if (first === LEGACY_DOCKER_HUB) {
    normalizedPrefix = DOCKER_HUB + trimmed.slice(first.length);
  } else if (
    first === 'localhost' ||
    /[.:]/.test(first) ||
    first.toLowerCase() !== first
  ) {
    normalizedPrefix = trimmed;
  }
  return `${parseImageReference(image).name}/`.startsWith(
    `${normalizedPrefix}/`,
  );
}
