// CloudLifecycle on Azure: the Flex Consumption Function app with its managed identity, storage
// without shared keys, monitoring, Azure Communication Services email and Key Vault secrets.
// Local modules only, so `bicep build` and `bicep lint` run offline.
targetScope = 'resourceGroup'

@description('Short name of the deployment; resource names derive from it.')
@minLength(3)
@maxLength(12)
param environmentName string

param location string = resourceGroup().location

@description('Qualified-invoice issuer printed on every invoice (適格請求書発行事業者). Required: the app does not start without it.')
@minLength(1)
param issuerName string

@description('The issuer\'s registration number: T followed by 13 digits. Required: the app does not start without it.')
@minLength(14)
@maxLength(14)
param issuerRegistrationNumber string

@description('Application (client) id of the Entra application ACS SMTP signs in as (infra-bicep/acs-smtp-app.sh creates it).')
@minLength(36)
@maxLength(36)
param smtpAppClientId string

@description('Object id of that application\'s service principal, given the SMTP sender role on the ACS resource.')
@minLength(36)
@maxLength(36)
param smtpPrincipalId string

@secure()
@minLength(32)
@description('API key the sales CRM sends as X-Api-Key: at least 32 characters (the app refuses a shorter one).')
param crmApiKey string

@secure()
@minLength(32)
@description('Secret that signs calendar feed links: at least 32 characters.')
param feedSecret string

@secure()
@minLength(1)
@description('Client secret of the Entra application ACS SMTP authenticates (acs-smtp-app.sh prints it).')
param smtpPassword string

@description('Emails per hour. The Azure-managed sender domain deployed here allows 10 an hour and 5 a minute by default; a custom domain 100 and 30 (raised by a support request).')
@minValue(1)
param emailHourlyQuota int = 10

@description('Emails per minute (see emailHourlyQuota).')
@minValue(1)
param emailMinuteQuota int = 5

@description('The address the CRM API is reached at from outside (calendar links); empty: https://<app name>.azurewebsites.net.')
param publicBaseUrl string = ''

@description('The CRM endpoint outgoing webhooks are POSTed to (https); empty: no webhooks are recorded or sent.')
param webhookUrl string = ''

@secure()
@description('Standard Webhooks signing secret, whsec_ followed by base64 of at least 24 random bytes (the app refuses a shorter one); needed with webhookUrl.')
param webhookSecret string = ''

@description('Storage and Key Vault without public network access, reached through private endpoints from a virtual network the app is integrated into.')
param privateNetworking bool = false

@description('Day of the month from which the previous month is invoiced.')
@minValue(1)
@maxValue(28)
param billingRunDay int = 1

@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@allowed([
  2048
  4096
])
param instanceMemoryMB int = 2048

var token = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var tags = {
  application: 'cloudlifecycle'
  environment: environmentName
}
var deploymentContainerName = 'app-package'

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: 'id-cloudlifecycle-${environmentName}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: take('stcl${token}', 24)
    location: location
    tags: tags
    principalId: identity.outputs.principalId
    deploymentContainerName: deploymentContainerName
    privateNetworking: privateNetworking
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    name: 'cloudlifecycle-${environmentName}'
    location: location
    tags: tags
    principalId: identity.outputs.principalId
  }
}

module email 'modules/email.bicep' = {
  name: 'email'
  params: {
    name: 'cloudlifecycle-${environmentName}-${token}'
    tags: tags
    smtpPrincipalId: smtpPrincipalId
  }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: take('kv-cl-${token}', 24)
    location: location
    tags: tags
    principalId: identity.outputs.principalId
    crmApiKey: crmApiKey
    feedSecret: feedSecret
    smtpPassword: smtpPassword
    webhooks: !empty(webhookUrl)
    webhookSecret: webhookSecret
    privateNetworking: privateNetworking
  }
}

module network 'modules/network.bicep' = if (privateNetworking) {
  name: 'network'
  params: {
    name: 'vnet-cloudlifecycle-${environmentName}'
    location: location
    tags: tags
    storageAccountId: storage.outputs.id
    keyVaultId: vault.outputs.id
  }
}

module app 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    name: 'func-cloudlifecycle-${environmentName}-${token}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    blobEndpoint: storage.outputs.blobEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    appInsightsConnectionString: monitoring.outputs.connectionString
    senderAddress: email.outputs.senderAddress
    // ACS SMTP's user name: <ACS resource name>|<Entra application id>|<tenant id>.
    smtpUserName: '${email.outputs.communicationServiceName}|${smtpAppClientId}|${tenant().tenantId}'
    crmApiKeyUri: vault.outputs.crmApiKeyUri
    feedSecretUri: vault.outputs.feedSecretUri
    smtpCredentialUri: vault.outputs.smtpCredentialUri
    webhookUrl: webhookUrl
    webhookSecretUri: vault.outputs.webhookSecretUri
    issuerName: issuerName
    issuerRegistrationNumber: issuerRegistrationNumber
    emailHourlyQuota: emailHourlyQuota
    emailMinuteQuota: emailMinuteQuota
    publicBaseUrl: publicBaseUrl
    appSubnetId: privateNetworking ? network!.outputs.appSubnetId : ''
    billingRunDay: billingRunDay
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
}

// Names only: no connection strings, keys or secrets leave the deployment.
output functionAppName string = app.outputs.name
output functionAppHostName string = app.outputs.defaultHostName
output storageAccountName string = storage.outputs.name
output managedIdentityClientId string = identity.outputs.clientId
