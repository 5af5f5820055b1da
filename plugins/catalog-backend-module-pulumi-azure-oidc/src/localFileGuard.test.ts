import { ConfigReader } from '@backstage/config';
import { resolve } from 'node:path';
import {
  allowedFileDirectories,
  LocalFileLocationGuard,
} from './localFileGuard';

describe('LocalFileLocationGuard', () => {
  const guard = new LocalFileLocationGuard([
    '/srv/catalog',
    '/srv/portal/templates',
  ]);
  const read = async (type: string, target: string) => {
    const emit = jest.fn();
    const handled = await guard.readLocation({ type, target }, false, emit);
    return {
      handled,
      errors: emit.mock.calls.map(([result]) => result.error?.message),
    };
  };

  it.each([
    ['file', '/srv/catalog/payments-prod/catalog-info.yaml'],
    ['file', '/srv/portal/templates/*/template.yaml'],
    ['url', 'https://github.com/acme/catalog/blob/main/catalog-info.yaml'],
  ])('leaves %s %s to the catalog', async (type, target) => {
    expect(await read(type, target)).toEqual({ handled: false, errors: [] });
  });

  it.each([
    '/etc/passwd',
    '/srv/catalog',
    '/srv/catalog/../secrets/token.yaml',
    '/srv/catalog-old/x.yaml',
    'relative/elsewhere.yaml',
  ])('refuses to read %s', async target => {
    expect(await read('file', target)).toEqual({
      handled: true,
      errors: [
        `The catalog only reads files inside /srv/catalog, /srv/portal/templates; ${target} is not`,
      ],
    });
  });

  it('runs before the catalog reads files', () => {
    expect(guard.getPriority()).toBeLessThan(20);
  });
});

describe('allowedFileDirectories', () => {
  it('allows the local catalog and the directories of configured file locations', () => {
    const config = new ConfigReader({
      catalog: {
        locations: [
          { type: 'file', target: '../../templates/*/template.yaml' },
          { type: 'file', target: '../../examples/org.yaml' },
          { type: 'url', target: 'https://example.com/catalog-info.yaml' },
        ],
      },
    });
    expect(allowedFileDirectories(config, '.data/catalog')).toEqual([
      resolve('.data/catalog'),
      resolve('../../templates'),
      resolve('../../examples'),
    ]);
  });
});
