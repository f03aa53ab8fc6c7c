// Secrets the app reads by Key Vault reference (never as plain app settings, never as outputs).
param name string
param location string
param tags object
param principalId string

@secure()
param crmApiKey string

@secure()
param feedSecret string

@secure()
param smtpPassword string

@description('Whether outgoing webhooks are configured (main.bicep\'s webhookUrl set): only then is their secret stored.')
param webhooks bool = false

@secure()
@description('The webhook signing secret (with webhooks).')
param webhookSecret string = ''

@description('Refuse public network access (reached through a private endpoint: main.bicep\'s privateNetworking).')
param privateNetworking bool = false

var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 30
    enablePurgeProtection: true
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: privateNetworking ? 'Deny' : 'Allow'
    }
  }
}

resource apiKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'crm-api-key'
  properties: {
    value: crmApiKey
  }
}

resource feed 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'calendar-feed-secret'
  properties: {
    value: feedSecret
  }
}

resource smtp 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'smtp-password'
  properties: {
    value: smtpPassword
  }
}

resource webhook 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (webhooks) {
  parent: vault
  name: 'webhook-secret'
  properties: {
    value: webhookSecret
  }
}

resource reader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
  }
}

output id string = vault.id

// Secret URIs without versions: the app follows rotations.
output crmApiKeyUri string = apiKey.properties.secretUri
output feedSecretUri string = feed.properties.secretUri
output smtpCredentialUri string = smtp.properties.secretUri
output webhookSecretUri string = webhooks ? webhook!.properties.secretUri : ''
