// The Flex Consumption (FC1) Function app, .NET 10 isolated worker, signed in everywhere with its
// user-assigned identity: runtime storage by AzureWebJobsStorage__* identity settings, the app's own
// storage by endpoint and client id, secrets by Key Vault reference.
param name string
param location string
param tags object
param identityId string
param identityClientId string
param storageAccountName string
param blobEndpoint string
param tableEndpoint string
param queueEndpoint string
param deploymentContainerUrl string
param appInsightsConnectionString string
param senderAddress string
param smtpUserName string
param crmApiKeyUri string
param feedSecretUri string
param smtpCredentialUri string

@description('The CRM endpoint for outgoing webhooks; empty: none (then webhookSecretUri is empty too).')
param webhookUrl string = ''
param webhookSecretUri string = ''
param issuerName string
param issuerRegistrationNumber string
param emailHourlyQuota int
param emailMinuteQuota int

@description('The address the CRM API is reached at from outside; empty: the app\'s default host name.')
param publicBaseUrl string

@description('Subnet the app is integrated into (private networking); empty: none.')
param appSubnetId string
param billingRunDay int
param maximumInstanceCount int
param instanceMemoryMB int

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${name}-plan'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    virtualNetworkSubnetId: empty(appSubnetId) ? null : appSubnetId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      vnetRouteAllEnabled: !empty(appSubnetId)
      appSettings: concat([
        // Functions runtime and Durable task hub storage, by identity (no connection string exists).
        { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
        { name: 'AzureWebJobsStorage__blobServiceUri', value: blobEndpoint }
        { name: 'AzureWebJobsStorage__queueServiceUri', value: queueEndpoint }
        { name: 'AzureWebJobsStorage__tableServiceUri', value: tableEndpoint }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
        // The application's stores (LifecycleSettings): endpoints plus the identity's client id.
        { name: 'CloudLifecycle__Storage__TableEndpoint', value: tableEndpoint }
        { name: 'CloudLifecycle__Storage__BlobEndpoint', value: blobEndpoint }
        { name: 'CloudLifecycle__Storage__ClientId', value: identityClientId }
        // Email through Azure Communication Services' SMTP endpoint.
        { name: 'CloudLifecycle__Smtp__Host', value: 'smtp.azurecomm.net' }
        { name: 'CloudLifecycle__Smtp__Port', value: '587' }
        { name: 'CloudLifecycle__Smtp__StartTls', value: 'true' }
        { name: 'CloudLifecycle__Smtp__From', value: senderAddress }
        { name: 'CloudLifecycle__Smtp__UserName', value: smtpUserName }
        { name: 'CloudLifecycle__Smtp__Password', value: '@Microsoft.KeyVault(SecretUri=${smtpCredentialUri})' }
        { name: 'CloudLifecycle__Email__HourlyQuota', value: string(emailHourlyQuota) }
        { name: 'CloudLifecycle__Email__MinuteQuota', value: string(emailMinuteQuota) }
        { name: 'CloudLifecycle__Email__MessageIdDomain', value: split(senderAddress, '@')[1] }
        { name: 'CloudLifecycle__Billing__RunDay', value: string(billingRunDay) }
        { name: 'CloudLifecycle__ApiKeys__0', value: '@Microsoft.KeyVault(SecretUri=${crmApiKeyUri})' }
        { name: 'CloudLifecycle__FeedSecret', value: '@Microsoft.KeyVault(SecretUri=${feedSecretUri})' }
        { name: 'CloudLifecycle__Issuer__Name', value: issuerName }
        { name: 'CloudLifecycle__Issuer__RegistrationNumber', value: issuerRegistrationNumber }
        // Calendar links are built from it (never from a request's Host header).
        { name: 'CloudLifecycle__PublicBaseUrl', value: empty(publicBaseUrl) ? 'https://${name}.azurewebsites.net' : publicBaseUrl }
      ], empty(webhookUrl) ? [] : [
        // Outgoing webhooks (LifecycleSettings.Webhooks): the endpoint, and its signing secret by Key Vault reference.
        { name: 'CloudLifecycle__Webhooks__Url', value: webhookUrl }
        { name: 'CloudLifecycle__Webhooks__Secret', value: '@Microsoft.KeyVault(SecretUri=${webhookSecretUri})' }
      ])
    }
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
