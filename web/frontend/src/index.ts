// Public surface of @latchkey/frontend: the exports of @nangohq/frontend 0.71.x (spec §2.1).
import { Nango } from './nango.js';

export default Nango;
export { Nango };
export { AuthError, type AuthErrorType } from './auth-error.js';
export { ConnectUI } from './connect-ui.js';
export type * from './connect-ui-types.js';
export type * from './types.js';
