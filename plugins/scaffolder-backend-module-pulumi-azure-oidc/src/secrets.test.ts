import { SecretRedactor } from './secrets';

describe('SecretRedactor', () => {
  it('masks every occurrence of every secret', () => {
    const redactor = new SecretRedactor(['s3cr3t', 'pul-token']);
    expect(redactor.redact('a s3cr3t, pul-token and s3cr3t again')).toBe(
      'a ***, *** and *** again',
    );
  });

  it('masks a secret that contains another as a whole', () => {
    const redactor = new SecretRedactor(['abc']);
    redactor.add('xxabcxx');
    expect(redactor.redact('[xxabcxx] [abc]')).toBe('[***] [***]');
  });

  it('ignores unset secrets', () => {
    const redactor = new SecretRedactor();
    redactor.add(undefined);
    redactor.add('');
    expect(redactor.redact('nothing to hide')).toBe('nothing to hide');
  });
});
