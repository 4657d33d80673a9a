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

/*
 * The FinOps actions as MCP tools: a test backend with the real MCP actions
 * backend, the FinOps backend with its demo data, and the real permission
 * backend with the FinOps policy (cost visibility `owners`). A real MCP client
 * connects over streamable HTTP with a user's token, as an AI assistant does,
 * and gets what the REST routes give the same user: its own team's costs, not
 * another team's, every team's for a FinOps admin.
 */

import finopsPlugin from '@ai-finops/backstage-plugin-finops-backend';
import finopsModuleDemo from '@ai-finops/backstage-plugin-finops-backend-module-demo';
import permissionModuleFinopsPolicy from '@ai-finops/backstage-plugin-permission-backend-module-finops';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import {
  type AuthService,
  coreServices,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { permissionRules } from '@backstage/plugin-catalog-backend/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogEntityPermissionResourceRef } from '@backstage/plugin-catalog-node/alpha';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { parseAllDocuments } from 'yaml';

jest.setTimeout(180_000);

// The FinOps store on SQLite, which the test databases close at the end.
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

type Entity = NonNullable<
  NonNullable<Parameters<typeof catalogServiceMock.factory>[0]>['entities']
>[number];

const repoRoot = path.resolve(__dirname, '../../..');

/** The same entity reference the catalog gives (default namespace). */
const refOf = (kind: string, ref: string) =>
  ref.includes(':') ? ref : `${kind}:default/${ref}`;

/**
 * The demo catalog (examples/entities.yaml and org.yaml) with the relations
 * the catalog's processing would add: ownedBy from spec.owner, memberOf from
 * a user's spec.memberOf. The permission rule IS_ENTITY_OWNER reads ownedBy.
 */
function demoCatalog(): Entity[] {
  return ['entities.yaml', 'org.yaml'].flatMap(file =>
    parseAllDocuments(
      readFileSync(path.join(repoRoot, 'examples', file), 'utf8'),
    )
      .map(d => d.toJS() as Entity)
      .filter(e => e?.kind)
      .map(e => {
        const spec = (e.spec ?? {}) as { owner?: string; memberOf?: string[] };
        const relations = [
          ...(spec.owner
            ? [{ type: 'ownedBy', targetRef: refOf('group', spec.owner) }]
            : []),
          ...(spec.memberOf ?? []).map(group => ({
            type: 'memberOf',
            targetRef: refOf('group', group),
          })),
        ];
        return {
          ...e,
          metadata: { namespace: 'default', ...e.metadata },
          relations,
        };
      }),
  );
}

const entities = demoCatalog();

/** The user and its groups, as the auth backend's sign-in resolver puts them in the token. */
function ownershipOf(userEntityRef: string): string[] {
  const user = entities.find(
    e =>
      e.kind === 'User' && `user:default/${e.metadata.name}` === userEntityRef,
  );
  const groups = (user?.spec?.memberOf as string[] | undefined) ?? [];
  return [userEntityRef, ...groups.map(g => refOf('group', g))];
}

const OBO_TOKEN_PREFIX = 'mock-obo-token:';

/**
 * The mock auth service, except that the token a plugin gets to call another
 * on behalf of a user names that plugin as the actor, as real tokens do (the
 * mock service drops it). The permissions registry's apply-conditions
 * endpoint, where the permission backend resolves the FinOps policy's
 * conditional decisions, accepts a user only through a plugin.
 */
const authFactory = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }): AuthService {
    const pluginId = plugin.getId();
    const auth = mockServices.auth({ pluginId });
    return {
      async authenticate(token, options) {
        if (!token.startsWith(OBO_TOKEN_PREFIX)) {
          return auth.authenticate(token, options);
        }
        const { obo, actor, target } = JSON.parse(
          token.slice(OBO_TOKEN_PREFIX.length),
        );
        if (target !== pluginId) {
          throw new Error(`Token for '${target}' sent to '${pluginId}'`);
        }
        return mockCredentials.user(obo, { actor: { subject: actor } });
      },
      async getPluginRequestToken(options) {
        const principal = options.onBehalfOf.principal as {
          type: string;
          userEntityRef?: string;
        };
        if (principal.type !== 'user') {
          return auth.getPluginRequestToken(options);
        }
        return {
          token: `${OBO_TOKEN_PREFIX}${JSON.stringify({
            obo: principal.userEntityRef,
            actor: `plugin:${pluginId}`,
            target: options.targetPluginId,
          })}`,
        };
      },
      isPrincipal: auth.isPrincipal.bind(auth) as AuthService['isPrincipal'],
      getNoneCredentials: () => auth.getNoneCredentials(),
      getOwnServiceCredentials: () => auth.getOwnServiceCredentials(),
      getLimitedUserToken: credentials => auth.getLimitedUserToken(credentials),
      listPublicServiceKeys: () => auth.listPublicServiceKeys(),
    };
  },
});

/** The user info service: the demo organisation's memberships. */
const userInfoFactory = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials) {
      const principal = credentials.principal as {
        type: string;
        userEntityRef?: string;
      };
      if (principal.type !== 'user' || !principal.userEntityRef) {
        throw new Error(`No user info for a ${principal.type} principal`);
      }
      return {
        userEntityRef: principal.userEntityRef,
        ownershipEntityRefs: ownershipOf(principal.userEntityRef),
      };
    },
  }),
});

/**
 * The catalog's permission integration, over the mock catalog's entities:
 * the real catalog plugin's rules (IS_ENTITY_OWNER and the others) at
 * /api/catalog/.well-known/backstage/permissions/apply-conditions, where the
 * permission backend resolves the FinOps policy's conditional decisions.
 */
const catalogPermissionIntegration = createBackendPlugin({
  pluginId: 'catalog',
  register(reg) {
    reg.registerInit({
      deps: {
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
      },
      async init({ permissionsRegistry, catalog, auth }) {
        permissionsRegistry.addResourceType({
          resourceRef: catalogEntityPermissionResourceRef,
          rules: Object.values(permissionRules),
          getResources: async entityRefs =>
            (
              await catalog.getEntitiesByRefs(
                { entityRefs },
                { credentials: await auth.getOwnServiceCredentials() },
              )
            ).items.map(e => e ?? undefined),
        });
      },
    });
  },
});

const OWNER = 'user:default/amara.okafor'; // assistant: owns chat-llm
const OTHER_OWNER = 'user:default/mei.chen'; // search-ai: owns search-rag-llm
const ADMIN = 'user:default/priya.raman'; // platform-engineering: FinOps admins

const CHAT = 'component:default/chat-llm';
const SEARCH = 'component:default/search-rag-llm';

const FINOPS_TOOLS = [
  'finops.check-manifests',
  'finops.estimate-manifests',
  'finops.get-carbon-footprint',
  'finops.get-cost-anomalies',
  'finops.get-cost-forecast',
  'finops.get-cost-summary',
  'finops.get-gpu-efficiency',
  'finops.get-recommendations',
];

describe('the FinOps actions over MCP', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let mcpUrl: URL;
  const clients: Client[] = [];

  beforeAll(async () => {
    const knex = await databases.init('SQLITE_3');
    backend = await startTestBackend({
      features: [
        mcpActionsPlugin,
        finopsPlugin,
        finopsModuleDemo,
        permissionPlugin,
        permissionModuleFinopsPolicy,
        catalogPermissionIntegration,
        mockServices.rootConfig.factory({
          data: {
            backend: { actions: { pluginSources: ['finops'] } },
            mcpActions: {
              name: 'ai-finops',
              instructions: 'Costs of AI services in the catalog.',
            },
            permission: {
              enabled: true,
              finops: {
                entityCostVisibility: 'owners',
                adminGroups: ['group:default/platform-engineering'],
              },
            },
            finops: { demo: { enabled: true, seed: 42 } },
          },
        }),
        // The real HTTP auth (requests without a token are unauthenticated)
        // over the mock tokens.
        authFactory,
        httpAuthServiceFactory,
        // The real permission client, which asks the permission backend.
        permissionsServiceFactory,
        userInfoFactory,
        mockServices.database.factory({ knex }),
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        catalogServiceMock.factory({ entities }),
      ],
    });
    const { port } = backend.server.address() as AddressInfo;
    mcpUrl = new URL(`http://localhost:${port}/api/mcp-actions/v1`);

    // Ingest the demo data: an administration permission, which the admin has.
    const trigger = await request(backend.server)
      .post('/api/finops/ingestion/demo/trigger')
      .set('Authorization', mockCredentials.user.header(ADMIN));
    if (trigger.status !== 202) {
      throw new Error(
        `The demo ingestion was not triggered: ${trigger.status} ${trigger.text}`,
      );
    }
  });

  afterAll(async () => {
    await Promise.all(clients.map(c => c.close()));
  });

  /** An MCP client connected as `userEntityRef`, as an assistant configured with its token. */
  async function connect(userEntityRef: string) {
    const client = new Client({ name: 'mcp-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(mcpUrl, {
        requestInit: {
          headers: {
            Authorization: `Bearer ${mockCredentials.user.token(
              userEntityRef,
            )}`,
          },
        },
      }),
    );
    clients.push(client);
    return client;
  }

  const restSummary = (userEntityRef: string, entityRef: string) =>
    request(backend.server)
      .get(`/api/finops/entities/${entityRef.replace(':', '/')}/summary`)
      .set('Authorization', mockCredentials.user.header(userEntityRef));

  const withoutComputedAt = (value: Record<string, unknown>) => {
    const { computedAt: _computedAt, ...rest } = value;
    return rest;
  };

  it('lists the FinOps actions as tools with their attributes as hints', async () => {
    const client = await connect(OWNER);
    expect(client.getServerVersion()?.name).toBe('ai-finops');
    expect(client.getInstructions()).toBe(
      'Costs of AI services in the catalog.',
    );
    const { tools } = await client.listTools();
    expect(tools.map(t => t.name).sort()).toEqual(FINOPS_TOOLS);
    for (const tool of tools) {
      expect(tool.annotations).toEqual({
        title: expect.any(String),
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      });
    }
    const summaryTool = tools.find(t => t.name === 'finops.get-cost-summary')!;
    expect(summaryTool.annotations?.title).toBe('Get cost summary');
    expect(summaryTool.description).toMatch(/Needs finops\.entity\.read/);
    expect(summaryTool.inputSchema).toMatchObject({
      type: 'object',
      required: ['entityRef'],
      properties: { entityRef: { type: 'string' } },
    });
  });

  it("gives an owner its own team's cost summary, as the REST route does", async () => {
    const client = await connect(OWNER);
    const result = await client.callTool({
      name: 'finops.get-cost-summary',
      arguments: { entityRef: CHAT },
    });
    expect(result.isError).toBeFalsy();
    const output = result.structuredContent as {
      entityRef: string;
      result: Record<string, any>;
    };
    expect(output.entityRef).toBe(CHAT);
    // The text content is the same output, for clients that read only text.
    const content = result.content as Array<{ type: string; text: string }>;
    expect(JSON.parse(content[0].text)).toEqual(output);

    const rest = await restSummary(OWNER, CHAT);
    expect(rest.status).toBe(200);
    expect(withoutComputedAt(output.result)).toEqual(
      withoutComputedAt(rest.body),
    );
    expect(output.result.monthToDate.effectiveCost).toBeGreaterThan(0);
    expect(output.result.usage.gpuHours).toBeGreaterThan(0);
  });

  it("refuses another team's entity, as the REST route does, and gives it to a FinOps admin", async () => {
    const client = await connect(OWNER);
    const refused = await client.callTool({
      name: 'finops.get-cost-summary',
      arguments: { entityRef: SEARCH },
    });
    expect(refused).toEqual({
      isError: true,
      content: [
        {
          type: 'text',
          text: "NotAllowedError: Permission 'finops.entity.read' was denied",
        },
      ],
    });
    expect((await restSummary(OWNER, SEARCH)).status).toBe(403);

    // Its owners see it.
    const owner = await connect(OTHER_OWNER);
    const own = await owner.callTool({
      name: 'finops.get-cost-summary',
      arguments: { entityRef: SEARCH },
    });
    expect(own.isError).toBeFalsy();

    // So does a FinOps admin, with the same numbers as the REST route.
    const admin = await connect(ADMIN);
    const result = await admin.callTool({
      name: 'finops.get-cost-summary',
      arguments: { entityRef: SEARCH },
    });
    expect(result.isError).toBeFalsy();
    const output = result.structuredContent as {
      entityRef: string;
      result: Record<string, any>;
    };
    expect(output.entityRef).toBe(SEARCH);
    const rest = await restSummary(ADMIN, SEARCH);
    expect(rest.status).toBe(200);
    expect(withoutComputedAt(output.result)).toEqual(
      withoutComputedAt(rest.body),
    );
    expect(output.result.monthToDate.effectiveCost).toBeGreaterThan(0);
    expect(
      withoutComputedAt((own.structuredContent as typeof output).result),
    ).toEqual(withoutComputedAt(output.result));
  });

  it('names a bad entity reference and an unknown entity in the tool result', async () => {
    const client = await connect(OWNER);
    const bad = await client.callTool({
      name: 'finops.get-cost-summary',
      arguments: { entityRef: 'component:default/' },
    });
    expect(bad.isError).toBe(true);
    expect((bad.content as Array<{ text: string }>)[0].text).toMatch(
      /^InputError: Invalid entityRef 'component:default\/'/,
    );
    const missing = await client.callTool({
      name: 'finops.get-cost-summary',
      arguments: { entityRef: 'component:default/nothing' },
    });
    expect(missing).toEqual({
      isError: true,
      content: [
        {
          type: 'text',
          text: 'NotFoundError: Entity component:default/nothing not found',
        },
      ],
    });
  });

  it("lets a service token (a static external-access token) read any team's costs, as docs/mcp.md warns", async () => {
    // Service principals skip the permission policy (ServerPermissionClient
    // allows them, within their access restrictions): no owner check applies.
    const client = new Client({ name: 'mcp-service', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(mcpUrl, {
        requestInit: {
          headers: { Authorization: mockCredentials.service.header() },
        },
      }),
    );
    clients.push(client);
    const result = await client.callTool({
      name: 'finops.get-cost-summary',
      arguments: { entityRef: SEARCH },
    });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ entityRef: SEARCH });
  });

  it('refuses an MCP request without a token with 401', async () => {
    const res = await fetch(mcpUrl, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'anonymous', version: '1.0.0' },
        },
      }),
    });
    expect(res.status).toBe(401);

    const client = new Client({ name: 'anonymous', version: '1.0.0' });
    await expect(
      client.connect(new StreamableHTTPClientTransport(mcpUrl)),
    ).rejects.toThrow(/401|Unauthorized|Authentication/i);
  });
});
