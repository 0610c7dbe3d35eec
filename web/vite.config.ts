import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The service serves dist/ at / (one origin with the API under /api). In
// development, `npm run dev -w web` proxies /api to a service on :3000.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  // The app imports a few pure tables of the service (src/…), one level up.
  server: { proxy: { '/api': 'http://127.0.0.1:3000' }, fs: { allow: ['..'] } },
  test: { environment: 'jsdom', include: ['src/**/*.test.{ts,tsx}'] },
});
