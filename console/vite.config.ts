import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * The console is served by Latch at /console (server/http/routes/console.ts). Assets get content hashes in their
 * names, so the server can let browsers keep them for a year; index.html is served per request with a CSP nonce.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: "/console/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsDir: "assets",
    // Nothing inline: the CSP allows only scripts from our own origin.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    // One chunk (React, Mantine, graphql-js print) of ~540 kB, ~160 kB gzipped: the console is one screen set.
    chunkSizeWarningLimit: 700,
  },
});
