import { ConfigReader } from '@backstage/config';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { symlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  allowedFileDirectories,
  LocalFileLocationGuard,
} from './localFileGuard';

describe('LocalFileLocationGuard', () => {
  const dir = createMockDirectory({
    content: {
      'catalog/payments-prod/catalog-info.yaml': 'kind: Resource',
      'outside/secret.yaml': 'kind: Resource',
    },
  });
  const catalog = dir.resolve('catalog');
  const templates = `${dir.path}/portal/templates/*/template.yaml`;
  const guard = new LocalFileLocationGuard(
    [catalog, dir.resolve('portal/templates')],
    [templates],
  );
  const read = async (type: string, target: string) => {
    const emit = jest.fn();
    const handled = await guard.readLocation({ type, target }, false, emit);
    return {
      handled,
      errors: emit.mock.calls.map(([result]) => result.error?.message),
    };
  };

  it.each([
    ['file', `${catalog}/payments-prod/catalog-info.yaml`],
    ['file', `${catalog}/not-yet-written/catalog-info.yaml`],
    ['file', templates],
    ['url', 'https://github.com/acme/catalog/blob/main/catalog-info.yaml'],
  ])('leaves %s %s to the catalog', async (type, target) => {
    expect(await read(type, target)).toEqual({ handled: false, errors: [] });
  });

  it.each([
    () => dir.resolve('outside/secret.yaml'),
    () => '/etc/passwd',
    () => catalog,
    () => `${catalog}/../outside/secret.yaml`,
    () => `${catalog}-old/x.yaml`,
  ])('refuses to read what lies outside (%#)', async target => {
    const { handled, errors } = await read('file', target());
    expect(handled).toBe(true);
    expect(errors).toEqual([
      expect.stringMatching(/^The catalog only reads files inside /),
    ]);
  });

  it.each([
    `{x,..}/{x,..}/outside/secret.yaml`,
    `..\\\\outside\\\\secret.yaml`,
    `*/catalog-info.yaml`,
    `@(payments-prod|..)/catalog-info.yaml`,
  ])('refuses patterns the file reader would expand: %s', async pattern => {
    const { handled, errors } = await read('file', `${catalog}/${pattern}`);
    expect(handled).toBe(true);
    expect(errors).toEqual([
      expect.stringMatching(/written as a pattern or with backslashes/),
    ]);
  });

  it('follows symbolic links to where they really lead', async () => {
    symlinkSync(dir.resolve('outside'), dir.resolve('catalog/link'));
    const { handled } = await read('file', `${catalog}/link/secret.yaml`);
    expect(handled).toBe(true);
  });

  it('allows a local catalog directory created after start-up behind a link', async () => {
    const data = createMockDirectory({ content: { real: {} } });
    symlinkSync(data.resolve('real'), data.resolve('data'));
    // The directory does not exist yet when the guard is made.
    const fresh = new LocalFileLocationGuard([data.resolve('data/catalog')]);
    data.addContent({ 'real/catalog/env/catalog-info.yaml': 'kind: Resource' });
    const emit = jest.fn();
    const handled = await fresh.readLocation(
      {
        type: 'file',
        target: data.resolve('data/catalog/env/catalog-info.yaml'),
      },
      false,
      emit,
    );
    expect({ handled, emitted: emit.mock.calls.length }).toEqual({
      handled: false,
      emitted: 0,
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
