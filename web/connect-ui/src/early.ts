// Inlined into index.html by the build (vite.config.ts), so `ready` goes out as soon as the page is parsed.
import type { Bus } from './app';
import { boot } from './boot';
import { readParams } from './lib/params';

(window as { latchkeyConnectBus?: Bus }).latchkeyConnectBus = boot(readParams(window.location, window.self === window.top));
