import tailwindcss from "@tailwindcss/vite";
import { tanstackRouter } from "@tanstack/router-plugin/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The API server (apps/server) listens on 3000 in development; the web app calls it same-origin.
const apiTarget = process.env.API_URL ?? "http://localhost:3000";

export default defineConfig({
  // The router plugin must come before the React plugin. Route options live in tsr.config.json so that
  // `tsr generate` (typecheck) and this plugin write the same routeTree.gen.ts.
  plugins: [tanstackRouter({ target: "react", autoCodeSplitting: true }), react(), tailwindcss()],
  server: {
    port: 5173,
    proxy: {
      "/trpc": { target: apiTarget, changeOrigin: false },
      "/health": { target: apiTarget },
      "/api": { target: apiTarget },
      // The public privacy page is rendered by the server, not by this app.
      "/privacy": { target: apiTarget },
    },
  },
  build: { outDir: "dist", sourcemap: true },
});
