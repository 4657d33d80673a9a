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

// The portal's MCP server as an AI assistant sees it (docs/mcp.md): an MCP
// client connects to the running portal's MCP actions backend over streamable
// HTTP with a user's Backstage token, lists the tools (the FinOps ones must be
// there) and calls finops.get-cost-summary for an entity. The browser check
// (portal.e2e.mjs) calls checkMcp with the guest's token; on its own, against
// a portal that is already up (`yarn start`), as the guest:
//
//   node e2e/mcp.mjs [entityRef]      (default component:default/chat-llm)

import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// The MCP SDK is a devDependency of packages/backend: resolve it from there,
// wherever the node-modules linker put it.
const requireFromBackend = createRequire(
  path.join(root, 'packages/backend/package.json'),
);
const { Client } = requireFromBackend(
  '@modelcontextprotocol/sdk/client/index.js',
);
const { StreamableHTTPClientTransport } = requireFromBackend(
  '@modelcontextprotocol/sdk/client/streamableHttp.js',
);

/** The FinOps read tools (tool names are namespaced: <plugin id>.<action>). */
export const FINOPS_TOOLS = [
  'finops.get-cost-summary',
  'finops.get-cost-forecast',
  'finops.get-cost-anomalies',
  'finops.get-gpu-efficiency',
  'finops.get-carbon-footprint',
  'finops.get-recommendations',
  'finops.estimate-manifests',
  'finops.check-manifests',
];

/**
 * Connects an MCP client to the portal's MCP endpoint
 * (`<backendUrl>/api/mcp-actions/v1`) with `token`, checks that it lists the
 * FinOps tools and calls finops.get-cost-summary for `entityRef`.
 *
 * @param {object} options
 * @param {string} options.backendUrl - e.g. http://localhost:7007
 * @param {string} options.token - a Backstage user token (the guest's: GET /api/auth/guest/refresh)
 * @param {string} options.entityRef - e.g. component:default/chat-llm
 * @param {(line: string) => void} [options.log]
 * @returns {Promise<{ tools: number, summary: object }>} how many tools the
 *   server lists, and the entity's cost summary as the tool returns it (the
 *   body of GET /api/finops/entities/<kind>/<namespace>/<name>/summary)
 * @throws when the server cannot be reached or refuses the token, a FinOps
 *   tool is missing, or the call fails or returns no cost summary
 */
export async function checkMcp({
  backendUrl,
  token,
  entityRef,
  log = line => console.log(line),
}) {
  const url = new URL('/api/mcp-actions/v1', backendUrl);
  const client = new Client({ name: 'ai-finops-e2e', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(url, {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  try {
    try {
      await client.connect(transport);
    } catch (error) {
      // The SDK's message holds the backend's whole error body; keep its gist.
      const reason = error.message.match(/"message":\s*"([^"]*)"/)?.[1];
      throw new Error(
        `mcp: cannot connect to ${url} with the token${
          error.code ? ` (HTTP ${error.code})` : ''
        }: ${reason ?? error.message}${
          error.cause?.code ? ` (${error.cause.code})` : ''
        }`,
      );
    }
    const server = client.getServerVersion();
    const { tools } = await client.listTools();
    const names = tools.map(t => t.name);
    const missing = FINOPS_TOOLS.filter(name => !names.includes(name));
    if (missing.length > 0) {
      throw new Error(
        `mcp: ${url} (${server?.name}) lists ${
          tools.length
        } tools [${names.join(', ')}] but not ${missing.join(
          ', ',
        )}; is backend.actions.pluginSources [finops] in the config?`,
      );
    }
    log(
      `mcp: ${server?.name} ${server?.version} at ${url} lists ${tools.length} tools, the FinOps ones included`,
    );

    const result = await client.callTool({
      name: 'finops.get-cost-summary',
      arguments: { entityRef },
    });
    const text = result.content?.find(c => c.type === 'text')?.text;
    if (result.isError) {
      throw new Error(
        `mcp: finops.get-cost-summary for ${entityRef} failed: ${text}`,
      );
    }
    const output =
      result.structuredContent ?? (text ? JSON.parse(text) : undefined);
    const summary = output?.result;
    if (
      output?.entityRef !== entityRef ||
      typeof summary?.monthToDate?.effectiveCost !== 'number'
    ) {
      throw new Error(
        `mcp: finops.get-cost-summary for ${entityRef} returned no cost summary: ${(
          text ?? JSON.stringify(result)
        ).slice(0, 500)}`,
      );
    }
    log(
      `mcp: finops.get-cost-summary ${entityRef}: ${
        summary.currency
      } ${summary.monthToDate.effectiveCost.toFixed(2)} month to date (${
        summary.month
      })`,
    );
    return { tools: tools.length, summary };
  } finally {
    await client.close().catch(() => {});
  }
}

// Run on its own: the guest's token from the running portal.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const backendUrl = process.env.BACKEND_URL ?? 'http://localhost:7007';
  const entityRef = process.argv[2] ?? 'component:default/chat-llm';
  try {
    const res = await fetch(`${backendUrl}/api/auth/guest/refresh`).catch(
      error => {
        throw new Error(
          `mcp: cannot reach ${backendUrl}: ${error.message}${
            error.cause?.code ? ` (${error.cause.code})` : ''
          } (is the portal up?)`,
        );
      },
    );
    if (!res.ok) {
      throw new Error(
        `mcp: guest sign-in at ${backendUrl} failed: ${res.status} (is the portal up?)`,
      );
    }
    const { token } = (await res.json()).backstageIdentity;
    await checkMcp({ backendUrl, token, entityRef });
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
