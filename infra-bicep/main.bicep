// CloudLifecycle on Azure: the Flex Consumption Function app with its managed identity, storage
// without shared keys, monitoring, Azure Communication Services email and Key Vault secrets.
// Local modules only, so `bicep build` and `bicep lint` run offline.
targetScope = 'resourceGroup'

@description('Short name of the deployment; resource names derive from it.')
@minLength(3)
@maxLength(12)
param environmentName string

param location string = resourceGroup().location

@description('Qualified-invoice issuer printed on every invoice (適格請求書発行事業者).')
param issuerName string

@description('The issuer\'s registration number: T followed by 13 digits.')
param issuerRegistrationNumber string

@description('SMTP user name for Azure Communication Services (<ACS resource>.<Entra app id>.<tenant id> or an SMTP username resource).')
param smtpUserName string

@secure()
@description('API key the sales CRM sends as X-Api-Key.')
param crmApiKey string

@secure()
@description('Secret that signs calendar feed links.')
param feedSecret string

@secure()
@description('Client secret of the Entra application ACS SMTP authenticates.')
param smtpPassword string

@description('Emails per hour: ACS allows 100 by default until a quota increase.')
@minValue(1)
param emailHourlyQuota int = 100

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
    smtpUserName: smtpUserName
    crmApiKeyUri: vault.outputs.crmApiKeyUri
    feedSecretUri: vault.outputs.feedSecretUri
    smtpCredentialUri: vault.outputs.smtpCredentialUri
    issuerName: issuerName
    issuerRegistrationNumber: issuerRegistrationNumber
    emailHourlyQuota: emailHourlyQuota
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
