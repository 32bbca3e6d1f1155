import { describe, expect, it } from 'vitest';
import { buildFields, docLinks, initialValues, submission, usesPopup, validate } from '../src/lib/form';
import type { Integration, Provider, Session } from '../src/lib/types';

const integration: Integration = { unique_key: 'acme', provider: 'acme', display_name: 'Acme' };
const session = (extra: Partial<Session> = {}): Session => ({ connectUISettings: {}, ...extra });

describe('buildFields', () => {
  it('API_KEY: base apiKey overridden by the catalog entry, then connection config; order puts config first', () => {
    const provider: Provider = {
      auth_mode: 'API_KEY', display_name: 'Acme',
      credentials: { apiKey: { title: 'Secret token', pattern: '^sk_', example: 'sk_live_…' }, skipped: { automated: true } },
      connection_config: {
        subdomain: { title: 'Subdomain', order: 1, prefix: 'https://', suffix: '.acme.com' },
        region: { title: 'Region', enum: ['eu', 'us'] },
        tenant: { automated: true },
      },
    };
    const fields = buildFields(provider, integration, session());
    expect(fields.map((f) => f.id)).toEqual(['params.subdomain', 'credentials.apiKey', 'params.region']);
    expect(fields[1]).toMatchObject({ title: 'Secret token', secret: true, pattern: '^sk_' });
    expect(initialValues(fields)).toEqual({ 'params.subdomain': '', 'credentials.apiKey': '', 'params.region': 'eu' });
  });

  it('BASIC gives username and password (password secret); preconfigured and session defaults hide fields', () => {
    const provider: Provider = { auth_mode: 'BASIC', display_name: 'B', connection_config: { domain: { title: 'Domain' } } };
    const fields = buildFields(provider, integration, session({ integrations_config_defaults: { acme: { connection_config: { domain: 'eu.acme.com' } } } }));
    expect(fields.map((f) => [f.id, f.secret, f.hidden])).toEqual([
      ['credentials.username', false, false], ['credentials.password', true, false], ['params.domain', undefined, true],
    ].map(([id, secret, hidden]) => [id, secret ?? false, hidden]));
    expect(submission(fields, { ...initialValues(fields), 'credentials.username': 'ada', 'credentials.password': 'pw' }))
      .toEqual({ params: { domain: 'eu.acme.com' }, credentials: { username: 'ada', password: 'pw' }, assertionOption: {} });
  });

  it('credentials_label replaces the API key label and hides its description', () => {
    const provider: Provider = { auth_mode: 'API_KEY', display_name: 'A', credentials: { apiKey: { title: 'Key', description: 'd' } } };
    const [apiKey] = buildFields(provider, { ...integration, credentials_label: { apiKey: 'Workspace token' } }, null);
    expect(apiKey).toMatchObject({ title: 'Workspace token', hideDescription: true });
  });

  it('OAUTH2 has no fields unless the session preconfigures client overrides', () => {
    const provider: Provider = { auth_mode: 'OAUTH2', display_name: 'O' };
    expect(buildFields(provider, integration, session())).toEqual([]);
    const fields = buildFields(provider, integration, session({
      integrations_config_defaults: { acme: { connection_config: { oauth_client_id_override: '', oauth_client_secret_override: '' } } },
    }));
    expect(fields.map((f) => [f.name, f.optional])).toEqual([['oauth_client_id_override', true], ['oauth_client_secret_override', true]]);
    expect(usesPopup(provider)).toBe(true);
    expect(usesPopup({ ...provider, installation: 'outbound' })).toBe(false);
    expect(usesPopup({ auth_mode: 'API_KEY', display_name: 'x' })).toBe(false);
  });

  it('OAUTH2_CC with certificates and private_key_jwt; TWO_STEP takes integration_config fields', () => {
    const cc = buildFields({ auth_mode: 'OAUTH2_CC', display_name: 'C', require_client_certificate: true, token_request_auth_method: 'private_key_jwt' }, integration, null);
    expect(cc.map((f) => [f.name, f.optional])).toEqual([['client_id', false], ['client_secret', true], ['client_certificate', false], ['client_private_key', false]]);
    const signed = buildFields({ auth_mode: 'OAUTH2_CC', display_name: 'S', token_request_auth_method: 'private_key_jwt' }, integration, null);
    expect(signed.map((f) => [f.name, f.optional, f.secret])).toEqual([['client_id', false, false], ['client_secret', true, true], ['client_private_key', false, true]]);
    const plain = buildFields({ auth_mode: 'OAUTH2_CC', display_name: 'P' }, integration, null);
    expect(plain.map((f) => f.name)).toEqual(['client_id', 'client_secret']);
    const two = buildFields({ auth_mode: 'TWO_STEP', display_name: 'T', credentials: { a: {} }, integration_config: { b: { optional: true } } }, { ...integration, preconfigured_credentials: ['a'] }, null);
    expect(two.map((f) => [f.name, f.optional])).toEqual([['b', false]]);
  });
});

describe('validate', () => {
  const provider: Provider = {
    auth_mode: 'API_KEY', display_name: 'A',
    credentials: { apiKey: { pattern: '^sk_' } },
    connection_config: { host: { format: 'hostname' }, note: { optional: true }, plan: { enum: ['a', 'b'] }, port: { default_value: '443' } },
  };
  const fields = buildFields(provider, integration, null);

  it('reports required fields, patterns and formats; optional, defaulted and enum fields pass', () => {
    expect(validate(fields, initialValues(fields))).toEqual({ 'credentials.apiKey': 'required', 'params.host': 'required' });
    expect(validate(fields, { ...initialValues(fields), 'credentials.apiKey': 'pk_1', 'params.host': 'not a host' }))
      .toEqual({ 'credentials.apiKey': 'pattern', 'params.host': 'pattern' });
    expect(validate(fields, { ...initialValues(fields), 'credentials.apiKey': 'sk_1', 'params.host': 'eu.acme.com', 'params.port': '' })).toEqual({});
  });

  it('a catalog pattern the browser cannot compile does not block the user', () => {
    const broken = buildFields({ auth_mode: 'API_KEY', display_name: 'A', credentials: { apiKey: { pattern: '(' } } }, integration, null);
    expect(validate(broken, { 'credentials.apiKey': 'x' })).toEqual({});
  });
});

describe('docLinks', () => {
  const provider: Provider = { auth_mode: 'API_KEY', display_name: 'A', docs_connect: 'https://docs.acme.com/connect' };
  const [field] = buildFields({ ...provider, credentials: { apiKey: { doc_section: '#api-key' } } }, integration, null);

  it('appends the field section to the provider guide, but not to a session override', () => {
    expect(docLinks(provider, null, 'acme').section(field!)).toBe('https://docs.acme.com/connect#api-key');
    const overridden = docLinks(provider, session({ overrides: { acme: { docs_connect: 'https://help.example.com' } } }), 'acme');
    expect(overridden.guide).toBe('https://help.example.com');
    expect(overridden.section(field!)).toBe('https://help.example.com');
  });
});
