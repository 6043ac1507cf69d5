import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('has safe defaults for development', () => {
    const config = loadConfig({});
    expect(config.NODE_ENV).toBe('development');
    expect(config.PORT).toBe(3000);
    expect(config.appUrl).toBe('http://localhost:3000');
    expect(config.sessionSecret.length).toBeGreaterThanOrEqual(32);
    expect(config.oidc).toBeNull();
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('refuses to start in production without a session secret', () => {
    expect(() =>
      loadConfig({ NODE_ENV: 'production', APP_URL: 'https://maestro.example.gouv.fr' }),
    ).toThrow(/SESSION_SECRET est obligatoire en production/);
  });

  it('accepts production with its secret and URL', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      APP_URL: 'https://maestro.example.gouv.fr',
      SESSION_SECRET: 'x'.repeat(40),
      DATABASE_URL: 'postgres://maestro@db:5432/maestro',
    });
    expect(config.sessionSecret).toBe('x'.repeat(40));
    expect(config.appUrl).toBe('https://maestro.example.gouv.fr');
  });

  it('refuses production without an external database', () => {
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        APP_URL: 'https://m.example.fr',
        SESSION_SECRET: 'x'.repeat(40),
      }),
    ).toThrow(/DATABASE_URL est obligatoire en production/);
  });

  it('marks cookies Secure in production over https only', () => {
    const base = {
      NODE_ENV: 'production',
      SESSION_SECRET: 'x'.repeat(40),
      DATABASE_URL: 'postgres://db/m',
    };
    expect(loadConfig({ ...base, APP_URL: 'https://m.example.fr' }).secureCookies).toBe(true);
    expect(loadConfig({ ...base, APP_URL: 'http://localhost:8080' }).secureCookies).toBe(false);
    expect(loadConfig({ APP_URL: 'https://m.example.fr' }).secureCookies).toBe(false);
  });

  it('reads TRUST_PROXY as a hop count, a boolean or addresses', () => {
    expect(loadConfig({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(loadConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).TRUST_PROXY).toBe(
      'loopback, 10.0.0.0/8',
    );
    expect(loadConfig({}).TRUST_PROXY).toBeUndefined();
  });

  it('explains every invalid value in French', () => {
    try {
      loadConfig({ PORT: 'abc', SESSION_SECRET: 'short', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).toMatch(/^Configuration invalide/);
      expect(message).toMatch(/PORT/);
      expect(message).toMatch(/SESSION_SECRET doit comporter au moins 32 caractères/);
      expect(message).toMatch(/LOG_LEVEL/);
    }
  });

  it('needs the three OpenID Connect variables together', () => {
    expect(() => loadConfig({ OIDC_ISSUER: 'https://auth.example.fr' })).toThrow(/vont ensemble/);
    const config = loadConfig({
      OIDC_ISSUER: 'https://auth.example.fr',
      OIDC_CLIENT_ID: 'maestro',
      OIDC_CLIENT_SECRET: 'secret',
    });
    expect(config.oidc).toMatchObject({
      issuer: 'https://auth.example.fr',
      clientId: 'maestro',
      label: 'ProConnect',
    });
  });

  it('needs the S3 keys with S3_BUCKET, and S3_BUCKET with any other S3 variable', () => {
    expect(() => loadConfig({ S3_BUCKET: 'maestro' })).toThrow(
      /S3_ACCESS_KEY_ID et S3_SECRET_ACCESS_KEY sont obligatoires avec S3_BUCKET/,
    );
    expect(() => loadConfig({ S3_BUCKET: 'maestro', S3_ACCESS_KEY_ID: 'key' })).toThrow(
      /sont obligatoires avec S3_BUCKET/,
    );
    expect(() => loadConfig({ S3_ENDPOINT: 'http://minio:9000' })).toThrow(/S3_BUCKET manque/);
    expect(() => loadConfig({ S3_BUCKET: 'Mon Compartiment' })).toThrow(
      /S3_BUCKET doit être un nom de compartiment valide/,
    );
    const config = loadConfig({
      S3_ENDPOINT: 'http://minio:9000',
      S3_BUCKET: 'maestro',
      S3_ACCESS_KEY_ID: 'key',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_FORCE_PATH_STYLE: 'false',
    });
    expect(config).toMatchObject({ S3_REGION: 'us-east-1', S3_FORCE_PATH_STYLE: false });
    expect(loadConfig({}).S3_FORCE_PATH_STYLE).toBe(true);
    expect(loadConfig({}).S3_BUCKET).toBeUndefined();
  });

  it('ignores empty variables', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).PORT).toBe(3000);
  });
});
