#!/usr/bin/env bash
# Regenerates the provider tables of docs/providers.md from the built-in catalog (src/Latchkey.Server/Providers/Catalog).
# Run it after adding or changing an entry; CatalogDocsTests fails while the page is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run --project src/Latchkey.Server -- catalog docs "$PWD/docs/providers.md"
