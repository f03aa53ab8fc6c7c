#!/usr/bin/env bash
# Builds and lints every Bicep file, and builds the parameters file, with the Bicep CLI from NuGet.
# Any diagnostic (error or linter warning) fails the check.
set -euo pipefail
cd "$(dirname "$0")"

dotnet restore tools/BicepCli.csproj --nologo -v quiet >/dev/null
version=$(grep -o 'Include="Azure.Bicep.CommandLine.linux-x64" Version="[^"]*"' ../Directory.Packages.props | sed 's/.*Version="\([^"]*\)"/\1/')
bicep="${NUGET_PACKAGES:-$HOME/.nuget/packages}/azure.bicep.commandline.linux-x64/$version/tools/bicep"
chmod +x "$bicep"
"$bicep" --version

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
failed=0
for file in $(find . -name '*.bicep' -not -path './tools/*' | sort); do
  diagnostics=$( { "$bicep" build "$file" --outfile "$out/$(basename "$file" .bicep).json" && "$bicep" lint "$file"; } 2>&1 ) || failed=1
  if [ -n "$diagnostics" ]; then echo "$diagnostics"; failed=1; fi
  echo "bicep: $file built and linted"
done
# The parameters file reads the deployment's values from the environment; here, obviously fake ones of the right shape.
sample=(
  CLOUDLIFECYCLE_ISSUER_NAME='検査用サンプル株式会社'
  CLOUDLIFECYCLE_ISSUER_REGISTRATION='T0000000000000'
  CLOUDLIFECYCLE_SMTP_APP_CLIENT_ID='00000000-0000-0000-0000-000000000000'
  CLOUDLIFECYCLE_SMTP_PRINCIPAL_ID='00000000-0000-0000-0000-000000000000'
  CLOUDLIFECYCLE_CRM_API_KEY='offline-check-sample-not-a-real-key-0000'
  CLOUDLIFECYCLE_FEED_SECRET='offline-check-sample-not-a-real-secret-00'
  CLOUDLIFECYCLE_SMTP_PASSWORD='offline-check-sample'
)
for file in $(find . -name '*.bicepparam' | sort); do
  diagnostics=$(env "${sample[@]}" "$bicep" build-params "$file" --outfile "$out/$(basename "$file").json" 2>&1) || failed=1
  if [ -n "$diagnostics" ]; then echo "$diagnostics"; failed=1; fi
  echo "bicep: $file built"
  # An empty issuer or a short API key must be refused before anything is deployed.
  for refused in CLOUDLIFECYCLE_ISSUER_NAME= CLOUDLIFECYCLE_CRM_API_KEY=short; do
    if env "${sample[@]}" "$refused" "$bicep" build-params "$file" --outfile "$out/refused.json" >/dev/null 2>&1; then
      echo "bicep: $file accepted $refused"; failed=1
    else
      echo "bicep: $file refuses $refused"
    fi
  done
done
exit "$failed"
