# syntax=docker/dockerfile:1
#
# Maestro: image of the API server, which also serves the built web app (frontend/dist).
# Built by docker-compose.yml (services app-1 and app-2); see docs/deployment.md.
#
# The image never starts the embedded PostgreSQL: DATABASE_URL is always set in production.

# Node.js 24 LTS, the major the application runs on. The exact runtime (24.21.0) is the `node`
# package pinned in the root package.json: pnpm puts it first on the PATH of every script, so
# the server runs on it whatever the patch level of this image; the image's own Node only runs
# the pnpm CLI and the health check.
ARG NODE_IMAGE=node:24-bookworm-slim

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS base
ENV npm_config_update_notifier=false
# The same pnpm as `packageManager` in package.json (a mismatch breaks installs).
RUN npm install --global pnpm@10.34.9 && npm cache clean --force
WORKDIR /app

# ---------------------------------------------------------------------------------------------
FROM base AS build
# Manifests first: the install layer is rebuilt only when one of them changes. Every package of
# pnpm-workspace.yaml is listed, so that the frozen lockfile matches the workspace.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
COPY shared/package.json shared/
COPY database/package.json database/
COPY server/package.json server/
COPY frontend/package.json frontend/
COPY e2e/package.json e2e/
COPY bench/package.json bench/
# The frontend's postinstall copies the DSFR assets (CSS, Marianne fonts, icons) into
# frontend/public/, which must exist before the install.
RUN mkdir -p frontend/public
# Development dependencies are needed: the web app is built with Vite and the server with
# esbuild, and the pinned Node runtime is a root devDependency. NODE_ENV stays unset here
# (production would skip them).
RUN --mount=type=cache,id=maestro-pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --store-dir /pnpm/store

COPY . .
# The web app (frontend/dist) and the API bundled into one ES module (server/dist/main.js, by
# server/build.mjs): production starts without transpiling TypeScript.
RUN pnpm --filter @maestro/frontend build \
 && pnpm --filter @maestro/server build

# ---------------------------------------------------------------------------------------------
FROM base AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
# Code and dependencies stay owned by root (read-only for the application); only the data
# folder (DATA_DIR, default .data: local files until the S3 storage lands) is writable. The
# packages that the bundle leaves external (argon2, swagger-ui-dist…) load from node_modules.
COPY --from=build /app /app
RUN mkdir -p /app/.data && chown node:node /app/.data
# `node` (uid 1000) is the unprivileged user of the official Node.js images.
USER node
EXPOSE 3000
# /api/health answers 200 when the instance reaches PostgreSQL, 503 otherwise. Node's own fetch:
# no curl in the image.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Runs the bundle built above (migrations, referentials, then listen) on the pinned Node.
# Not `start`: that script rebuilds the bundle first, in a folder the `node` user cannot write.
CMD ["pnpm", "--filter", "@maestro/server", "start:dist"]
