// @latchkey/frontend/react: the only entry that imports React.
export { useConnectUI, type UseConnectUIOptions, type UseConnectUIResult } from './use-connect-ui.js';
