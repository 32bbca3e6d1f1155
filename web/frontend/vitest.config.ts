import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'happy-dom',
    environmentOptions: {
      happyDOM: {
        url: 'https://app.example.com/settings',
        // Tests never reach a server: an iframe gets its window and URL, but nothing is fetched into it.
        settings: { navigation: { disableChildFrameNavigation: true } },
      },
    },
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    restoreMocks: true,
    unstubGlobals: true,
  },
});
