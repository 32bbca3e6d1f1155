# syntax=docker/dockerfile:1
# Latchkey server image: one self-contained executable (no .NET runtime in the image) with the Connect UI beside it,
# running as a non-root user on a read-only root file system; everything it writes goes to the /data volume.
#
#   docker build -t latchkey .
#   docker run --read-only --tmpfs /tmp -p 3003:3003 -v latchkey-data:/data latchkey
#
# With PostgreSQL: compose.yaml (docker compose up).

# --- 1. The Connect UI (web/connect-ui), built with npm exactly as the server's project file builds it. -------------
FROM node:22-bookworm-slim AS connect-ui
WORKDIR /src/web
# Dependencies first, so a source change does not reinstall them.
COPY web/package.json web/package-lock.json ./
COPY web/frontend/package.json frontend/
COPY web/connect-ui/package.json connect-ui/
RUN npm ci --no-audit --no-fund --loglevel=error
COPY web/ ./
# Vite writes to ../../src/Latchkey.Server/wwwroot/connect-ui (web/connect-ui/vite.config.ts), i.e. /src/src/...
RUN npm run build --silent -w @latchkey/connect-ui

# --- 2. The server, published self-contained as a single file for the image's architecture. ------------------------
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TARGETARCH
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Latchkey.Server/ src/Latchkey.Server/
COPY --from=connect-ui /src/src/Latchkey.Server/wwwroot/connect-ui/ src/Latchkey.Server/wwwroot/connect-ui/
# LatchkeySkipConnectUi: the UI was built in stage 1 (this image has no npm). Native libraries (SQLite) stay beside the
# executable instead of being extracted at start, which a read-only file system would refuse.
RUN rid="linux-$([ "$TARGETARCH" = "arm64" ] && echo arm64 || echo x64)" \
 && dotnet publish src/Latchkey.Server -c Release -r "$rid" --self-contained \
      -p:PublishSingleFile=true -p:LatchkeySkipConnectUi=true -p:DebugType=none -o /app \
 && mkdir /data

# --- 3. Runtime: Ubuntu's chiseled runtime dependencies (no shell, no package manager), non-root user 'app'. ---------
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled
WORKDIR /app
COPY --from=build /app/ ./
# An empty /data owned by the app user: a new named volume takes this ownership on first mount.
COPY --from=build --chown=1654:1654 /data /data
# DOTNET_EnableDiagnostics=0: no diagnostics IPC socket, which would be created under /tmp (read-only too, maybe).
ENV LATCHKEY_DATA_DIR=/data \
    LATCHKEY_BIND=0.0.0.0 \
    LATCHKEY_PORT=3003 \
    DOTNET_EnableDiagnostics=0
USER 1654
VOLUME /data
EXPOSE 3003
# No curl in the image: the server binary asks its own /health/ready (exit 0 when ready).
HEALTHCHECK --interval=15s --timeout=6s --start-period=30s --retries=3 CMD ["/app/Latchkey.Server", "health"]
ENTRYPOINT ["/app/Latchkey.Server"]
