// Inlined into index.html by the build (vite.config.ts), so `ready` goes out as soon as the page is parsed.
import { boot } from './boot';
import { readParams } from './lib/params';

boot(readParams(window.location, window.self === window.top));
