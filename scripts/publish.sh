#!/usr/bin/env bash
# Publishes the server as one self-contained executable (no .NET needed where it runs) with the Connect UI and the
# SQLite library beside it: `scripts/publish.sh [output folder] [runtime id]` (default out/latchkey, linux-x64).
# Needs the .NET 10 SDK and npm (for the Connect UI); the runtime packs come from NuGet on the first run.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-out/latchkey}
rid=${2:-linux-x64}
dotnet publish src/Latchkey.Server -c Release -r "$rid" --self-contained -p:PublishSingleFile=true -o "$out" -nologo
