#!/usr/bin/env bash
# Creates (or finds) the Entra application Azure Communication Services' SMTP endpoint signs in as, its service
# principal and a client secret, and prints them as the variables main.bicepparam reads. Bicep cannot create an
# Entra application without the Microsoft Graph extension; the role on the ACS resource is then deployed by
# main.bicep (modules/email.bicep: a custom role with CommunicationServices/Read and EmailServices/write, assigned
# to this principal). Run by the README's deploy steps, signed in with `az login` as someone who may create
# applications in the tenant:
#
#   eval "$(infra-bicep/acs-smtp-app.sh cloudlifecycle-prod-smtp)"
#
# A second run finds the application and adds a new secret (the old one keeps working until it expires or is removed).
set -euo pipefail

name="${1:?usage: acs-smtp-app.sh <application display name> [secret years, default 1]}"
years="${2:-1}"

app_id=$(az ad app list --display-name "$name" --query '[0].appId' -o tsv)
if [ -z "$app_id" ]; then
  app_id=$(az ad app create --display-name "$name" --sign-in-audience AzureADMyOrg --query appId -o tsv)
  echo "created Entra application $name ($app_id)" >&2
else
  echo "found Entra application $name ($app_id)" >&2
fi

principal_id=$(az ad sp list --filter "appId eq '$app_id'" --query '[0].id' -o tsv)
if [ -z "$principal_id" ]; then
  principal_id=$(az ad sp create --id "$app_id" --query id -o tsv)
  echo "created its service principal ($principal_id)" >&2
fi

secret=$(az ad app credential reset --id "$app_id" --append --display-name "acs-smtp $(date -u +%Y-%m-%d)" --years "$years" --query password -o tsv)
echo "added a client secret valid for $years year(s)" >&2

printf 'export CLOUDLIFECYCLE_SMTP_APP_CLIENT_ID=%q\n' "$app_id"
printf 'export CLOUDLIFECYCLE_SMTP_PRINCIPAL_ID=%q\n' "$principal_id"
printf 'export CLOUDLIFECYCLE_SMTP_PASSWORD=%q\n' "$secret"
