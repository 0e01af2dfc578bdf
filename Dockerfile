# syntax=docker/dockerfile:1
# MCP Engine image: `docker build -t mcp-engine .`, then see README "Deploy".
# Three stages: production dependencies, a build of the browser code (console, widget), and a
# slim runtime that holds neither compilers nor dev dependencies and runs as a non-root user.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts stay off: every native part (argon2, esbuild for tsx) ships prebuilt in its npm package.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build:widget && npm run build:console

FROM ${NODE_IMAGE} AS runtime
# HOST: listen on every interface of the container. TSX_DISABLE_CACHE: TypeScript is compiled in
# memory at start (about a second), so the process writes nothing and the root filesystem can be
# read-only. MCP_DATA_DIR: only embedded mode (no DATABASE_URL) writes there; mount a volume.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    MCP_DATA_DIR=/data \
    TSX_DISABLE_CACHE=1
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY examples ./examples
RUN mkdir -p /data && chown node:node /data
# The node user (uid 1000) of the base image; the application files stay owned by root, read-only to it.
USER node
EXPOSE 3000
VOLUME ["/data"]
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM drains: the gateway stops taking connections, in-flight requests finish, queues stop, exit 0.
STOPSIGNAL SIGTERM
# A 64 MB young generation: a turn allocates ~200 KB of short-lived objects, and V8's default
# (16 MB) collected them so often, with the turns in flight still alive, that a busy server spent
# ~16% of its time in GC; this answered 7–11% more messages at saturation (README, Benchmarks).
CMD ["node", "--max-semi-space-size=128", "--import", "tsx", "src/main.ts", "start"]
