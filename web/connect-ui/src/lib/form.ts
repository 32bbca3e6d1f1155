// The form of spec §3.7: which fields a provider needs, their order, initial values and validation.
import type { FieldSchema, Integration, Provider, Session } from './types';

export type FieldGroup = 'credentials' | 'params' | 'assertionOption';

export interface Field extends FieldSchema {
  id: string;
  name: string;
  group: FieldGroup;
  optional: boolean;
  hidden: boolean;
  /** Description hidden (the integration's credentials_label replaced the label). */
  hideDescription?: boolean;
}

const baseFields: Record<string, string[]> = {
  API_KEY: ['apiKey'],
  BASIC: ['username', 'password'],
  SIGNATURE: ['username', 'password'],
  OAUTH2_CC: ['client_id', 'client_secret'],
  TBA: ['oauth_client_id_override', 'oauth_client_secret_override', 'token_id', 'token_secret'],
  BILL: ['username', 'password', 'organization_id', 'dev_key'],
  AWS_SIGV4: ['role_arn'],
};

const secretNames = new Set(['apiKey', 'password', 'client_secret', 'token_secret', 'oauth_client_secret_override', 'dev_key', 'client_private_key']);

/** Auth modes submitted through the SDK's popup (spec §3.8). */
export const popupModes = new Set(['OAUTH2', 'OAUTH1', 'CUSTOM', 'APP', 'MCP_OAUTH2', 'MCP_OAUTH2_GENERIC', 'INSTALL_PLUGIN']);

export function usesPopup(provider: Provider): boolean {
  return popupModes.has(provider.auth_mode) && !(provider.auth_mode === 'OAUTH2' && provider.installation);
}

function field(group: FieldGroup, name: string, schema: FieldSchema = {}): Field {
  return {
    ...schema,
    id: `${group}.${name}`,
    name,
    group,
    optional: Boolean(schema.optional),
    hidden: Boolean(schema.hidden),
    secret: schema.secret ?? (group === 'credentials' && secretNames.has(name)),
  };
}

export function buildFields(provider: Provider, integration: Integration, session: Session | null): Field[] {
  const preconfigured = new Set(integration.preconfigured_credentials ?? []);
  const defaults = session?.integrations_config_defaults?.[integration.unique_key]?.connection_config ?? {};
  const credentials = new Map<string, Field>();

  const base = [...(baseFields[provider.auth_mode] ?? [])];
  const signsAssertions = provider.auth_mode === 'OAUTH2_CC' && provider.token_request_auth_method === 'private_key_jwt';
  if (provider.auth_mode === 'OAUTH2_CC' && provider.require_client_certificate) base.push('client_certificate', 'client_private_key');
  // A private_key_jwt client signs with its key instead of sending a secret, so the form must ask for the key even
  // without a certificate (spec §3.7 lists it only with require_client_certificate; without it the form cannot succeed).
  else if (signsAssertions) base.push('client_private_key');
  for (const name of base) credentials.set(name, field('credentials', name));
  if (signsAssertions) credentials.get('client_secret')!.optional = true;

  for (const [name, schema] of Object.entries(provider.credentials ?? {})) {
    if (schema.automated || preconfigured.has(name)) continue;
    credentials.set(name, field('credentials', name, { ...credentials.get(name), ...schema }));
  }
  if (provider.auth_mode === 'TWO_STEP') {
    for (const [name, schema] of Object.entries(provider.integration_config ?? {})) {
      if (!credentials.has(name) && !preconfigured.has(name) && !schema.automated) {
        credentials.set(name, field('credentials', name, { ...schema, optional: false }));
      }
    }
  }
  if (provider.auth_mode === 'OAUTH2') {
    for (const name of ['oauth_client_id_override', 'oauth_client_secret_override', 'oauth_refresh_token_override']) {
      if (name in defaults) credentials.set(name, field('credentials', name, { optional: true, secret: name !== 'oauth_client_id_override' }));
    }
  }

  const label = integration.credentials_label?.apiKey;
  const apiKey = credentials.get('apiKey');
  if (label && apiKey) Object.assign(apiKey, { title: label, hideDescription: true });

  const params: Field[] = [];
  for (const [name, schema] of Object.entries(provider.connection_config ?? {})) {
    if (schema.automated) continue;
    const preset = defaults[name];
    params.push(field('params', name, typeof preset === 'string' ? { ...schema, default_value: preset, hidden: true } : schema));
  }
  const assertions = Object.entries(provider.assertion_option ?? {}).map(([name, schema]) => field('assertionOption', name, schema));

  const ordered = params.filter((p) => typeof p.order === 'number').sort((a, b) => a.order! - b.order!);
  return [...ordered, ...credentials.values(), ...params.filter((p) => typeof p.order !== 'number'), ...assertions];
}

export type Values = Record<string, string>;

export function initialValues(fields: Field[]): Values {
  const values: Values = {};
  for (const f of fields) {
    values[f.id] = f.default_value ?? (f.enum && f.enum.length > 0 && !f.optional ? f.enum[0]! : '');
  }
  return values;
}

const formats: Record<string, RegExp> = {
  hostname: /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  uri: /^[a-z][a-z0-9+.-]*:\/\/\S+$/i,
  email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
};

export type Problem = 'required' | 'pattern';

/** Field id → problem. Required fields need one character; patterns and formats apply to any non-empty value. */
export function validate(fields: Field[], values: Values): Record<string, Problem> {
  const problems: Record<string, Problem> = {};
  for (const f of fields) {
    const value = (values[f.id] ?? '').trim();
    if (!value) {
      if (!f.optional && !f.default_value) problems[f.id] = 'required';
      continue;
    }
    if (f.enum && f.enum.length > 0 && !f.enum.includes(value)) problems[f.id] = 'pattern';
    else if (f.pattern && !safeTest(f.pattern, value)) problems[f.id] = 'pattern';
    else if (f.format && formats[f.format] && !formats[f.format]!.test(value)) problems[f.id] = 'pattern';
  }
  return problems;
}

function safeTest(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern).test(value);
  } catch {
    return true; // a catalog pattern the browser cannot compile must not block the user; the server validates too
  }
}

export interface Submission {
  params: Record<string, string>;
  credentials: Record<string, string>;
  assertionOption: Record<string, string>;
}

/** Splits the form into what the SDK takes; empty optional values are left out, defaults fill blanks. */
export function submission(fields: Field[], values: Values): Submission {
  const out: Submission = { params: {}, credentials: {}, assertionOption: {} };
  for (const f of fields) {
    const value = (values[f.id] ?? '').trim() || f.default_value || '';
    if (value) out[f.group][f.name] = value;
  }
  return out;
}

/** Docs link for one field: the provider's guide + its section; no anchor on a session override (spec §3.7). */
export function docLinks(provider: Provider, session: Session | null, key: string) {
  const override = session?.overrides?.[key]?.docs_connect;
  const guide = override ?? provider.docs_connect;
  return {
    guide,
    section: (f: Field) => (guide && f.doc_section ? (override ? override : guide + f.doc_section) : undefined),
  };
}
