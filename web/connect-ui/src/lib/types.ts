// The shapes the UI reads from the API (spec §3.5). Only the fields used here are typed.

export interface FieldSchema {
  type?: string;
  title?: string;
  description?: string;
  example?: string;
  pattern?: string;
  format?: string;
  optional?: boolean;
  enum?: string[];
  default_value?: string;
  hidden?: boolean;
  secret?: boolean;
  prefix?: string;
  suffix?: string;
  doc_section?: string;
  order?: number;
  automated?: boolean;
}

export interface Provider {
  name?: string;
  auth_mode: string;
  display_name: string;
  docs_connect?: string;
  credentials?: Record<string, FieldSchema>;
  connection_config?: Record<string, FieldSchema>;
  assertion_option?: Record<string, FieldSchema>;
  integration_config?: Record<string, FieldSchema>;
  require_client_certificate?: boolean;
  token_request_auth_method?: string;
  installation?: string;
}

export interface Integration {
  unique_key: string;
  provider: string;
  display_name: string;
  logo?: string;
  credentials_label?: { apiKey?: string };
  preconfigured_credentials?: string[];
}

export type ThemeName = 'light' | 'dark' | 'system';

export interface ConnectUISettings {
  theme?: { light?: { primary?: string }; dark?: { primary?: string } };
  defaultTheme?: ThemeName;
  showWatermark?: boolean;
  /** Latchkey extension: per-language string overrides, `{ "<lang>": { "<key>": "text" } }`. */
  strings?: Record<string, Record<string, string>>;
}

export interface Session {
  connectUISettings: ConnectUISettings;
  allowed_integrations?: string[];
  integrations_config_defaults?: Record<string, { connection_config?: Record<string, unknown> }>;
  overrides?: Record<string, { docs_connect?: string }>;
  isReconnecting?: boolean;
  websocketsPath?: string;
  endUser?: unknown;
}
