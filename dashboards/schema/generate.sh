#!/usr/bin/env bash
# Regenerates dashboard.schema.json: the JSON Schema of Grafana's dashboard model, derived
# from the TypeScript types that Grafana publishes in @grafana/schema. The appliance tests
# validate every dashboard against it (Grafana itself cannot run on the test machines).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
echo '{"private":true}' > package.json
npm install --no-audit --no-fund --loglevel=error @grafana/schema@13.2.3 ts-json-schema-generator@2.4.0 typescript@7.0.2 >/dev/null
npx --no-install ts-json-schema-generator --no-type-check \
	--path node_modules/@grafana/schema/dist/types/raw/dashboard/x/types.gen.d.ts \
	--type Dashboard -o "$here/dashboard.schema.json"
echo "wrote $here/dashboard.schema.json"
