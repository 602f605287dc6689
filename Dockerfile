# syntax=docker/dockerfile:1.7
# Keyward: one image, two roles (`start --role gateway|worker`). See docs/adr/0005-container-image-runs-typescript-through-tsx.md
# for why the image runs the TypeScript sources through tsx instead of compiling them.

# --- 1. production dependencies only -------------------------------------------------------------
FROM node:20-slim AS deps
WORKDIR /app
ENV NODE_ENV=production npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
# Manifests first, so the dependency layer is cached until a package.json or the lock changes.
COPY package.json package-lock.json ./
COPY apps/keyward/package.json apps/keyward/
COPY packages/ packages-manifests/
RUN set -eu; \
    for dir in packages-manifests/*/; do name=$(basename "$dir"); mkdir -p "packages/$name"; cp "$dir/package.json" "packages/$name/"; done; \
    rm -rf packages-manifests
# tsx (which runs the sources) is a runtime dependency of apps/keyward, so --omit=dev keeps it; the
# compilers, linters and test runners of the root devDependencies stay out of the image.
RUN npm ci --omit=dev --ignore-scripts=false --no-audit --no-fund && npm cache clean --force

# --- 2. runtime ---------------------------------------------------------------------------------
FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/var/lib/keyward \
    CONSOLE_ENABLED=false \
    # tsx keeps its transform cache in the OS temp dir: /tmp (an emptyDir under a read-only root fs).
    TMPDIR=/tmp
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --chown=root:root package.json package-lock.json tsconfig.json ./
COPY --chown=root:root apps/keyward/package.json apps/keyward/
COPY --chown=root:root apps/keyward/bin apps/keyward/bin
COPY --chown=root:root apps/keyward/src apps/keyward/src
COPY --chown=root:root packages packages
# Workspace links live under node_modules/@keyward → ../packages/*, copied above. Sources are owned by
# root and read-only for the app user: a compromised process cannot rewrite its own code.
RUN mkdir -p /var/lib/keyward && chown node:node /var/lib/keyward
USER node
EXPOSE 3000
# Liveness without curl in the image: node itself asks /healthz.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM reaches node directly (exec form, PID 1 is node): graceful shutdown, see README "Reliability".
ENTRYPOINT ["node", "apps/keyward/bin/keyward.js"]
CMD ["start", "--role", "all"]
