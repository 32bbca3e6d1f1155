// Public surface of @latchkey/frontend: the exports of @nangohq/frontend 0.71.x (spec §2.1).
import { Nango } from './nango.js';

export default Nango;
export { Nango };
export { AuthError, type AuthErrorType } from './auth-error.js';
export { ConnectUI } from './connect-ui.js';
export type {
  ConnectUIEvent,
  ConnectUIEventClose,
  ConnectUIEventConnectionCreated,
  ConnectUIEventConnectionFailed,
  ConnectUIEventReady,
  ConnectUIEventSettingsChanged,
  ConnectUIEventToken,
  ConnectUIProps,
  ConnectUISettings,
  ConnectUITheme,
  OnConnectEvent,
} from './connect-ui-types.js';
export type {
  ApiKeyCredentials,
  AppStoreCredentials,
  AuthCredentials,
  AuthOptions,
  AuthResult,
  AuthSuccess,
  AwsSigV4Credentials,
  BasicApiCredentials,
  BillCredentials,
  ConnectionConfig,
  JwtCredentials,
  NangoOptions,
  OAuth2ClientCredentials,
  OAuth2OutboundCredentials,
  OAuthCredentialsOverride,
  SignatureCredentials,
  TbaCredentials,
  TwoStepCredentials,
} from './types.js';
