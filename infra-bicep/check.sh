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
for file in $(find . -name '*.bicepparam' | sort); do
  diagnostics=$("$bicep" build-params "$file" --outfile "$out/$(basename "$file").json" 2>&1) || failed=1
  if [ -n "$diagnostics" ]; then echo "$diagnostics"; failed=1; fi
  echo "bicep: $file built"
done
exit "$failed"
