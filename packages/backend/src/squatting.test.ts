/**
 * Entity names are predictable from an environment's reference, and anyone
 * signed in may register a URL location. Through the real catalog and
 * scaffolder: an entity registered first under the environment's name, from
 * a repository of someone else's, neither blocks the real environment nor
 * takes it over.
 */
import { createMockDirectory } from '@backstage/backend-test-utils';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import {
  answers,
  ENTITY,
  registeredEntity,
  runTemplate,
  startGoldenPathPortal,
} from './__testUtils__/goldenPath';
import { eventually } from './__testUtils__/portalBackend';

jest.setTimeout(90_000);

/** Claims acme/payments/prod for the billing team, under its predicted name. */
const SQUAT = [
  'apiVersion: backstage.io/v1alpha1',
  'kind: Resource',
  'metadata:',
  `  name: ${ENTITY}`,
  '  annotations:',
  '    esc-azure-oidc.dev/organization: acme',
  '    esc-azure-oidc.dev/project: payments',
  '    esc-azure-oidc.dev/environment: prod',
  'spec:',
  '  type: pulumi-esc-environment',
  '  owner: group:default/billing-team',
  '',
].join('\n');

describe('an entity registered first under an environment’s name', () => {
  const data = createMockDirectory();
  let server: Server;
  let squatUrl: string;
  let reads = 0;
  let portal: Awaited<ReturnType<typeof startGoldenPathPortal>>;

  beforeAll(async () => {
    // Someone's repository, as the catalog's URL reader fetches it.
    server = createServer((_, response) => {
      reads += 1;
      response.writeHead(200, { 'Content-Type': 'text/yaml' });
      response.end(SQUAT);
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    squatUrl = `http://127.0.0.1:${port}/squat/catalog-info.yaml`;
    portal = await startGoldenPathPortal(data.path, {
      backend: { reading: { allow: [{ host: `127.0.0.1:${port}` }] } },
    });
  });

  afterAll(async () => {
    await portal.stop();
    await new Promise(resolve => server.close(resolve));
  });

  it('is refused by the catalog, and the real environment is provisioned and registered for its team', async () => {
    const registered = await portal.call('POST', '/api/catalog/locations', {
      type: 'url',
      target: squatUrl,
    });
    expect(registered.status).toBe(201);
    // The catalog reads the location, refuses what it holds, and keeps
    // nothing of it: no entity takes the name.
    await eventually(async () => (reads > 0 ? true : undefined));
    const squatted = await portal.call(
      'GET',
      `/api/catalog/entities/by-name/resource/default/${ENTITY}`,
    );
    expect(squatted.status).toBe(404);

    // The payments team's run is neither blocked nor told it belongs to
    // the billing team.
    const run = await runTemplate(portal, answers);
    expect(run.errors).toEqual([]);
    expect(run.status).toBe('completed');
    const entity = await registeredEntity(portal);
    expect(entity.spec.owner).toBe('group:default/payments-team');
    expect(
      entity.metadata.annotations['backstage.io/managed-by-location'],
    ).toBe(`file:${data.resolve(`catalog/${ENTITY}/catalog-info.yaml`)}`);
  });
});
