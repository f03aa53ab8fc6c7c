// Azure Communication Services with an Email service and an Azure-managed sender domain; data stays in Japan.
// The app sends through ACS's SMTP endpoint (smtp.azurecomm.net:587, STARTTLS) with an Entra application's credentials.
param name string
param tags object

@description('Where ACS keeps its data.')
param dataLocation string = 'Japan'

@description('Object id of the service principal of the Entra application ACS SMTP signs in as (infra-bicep/acs-smtp-app.sh prints it).')
@minLength(36)
@maxLength(36)
param smtpPrincipalId string

// ACS SMTP authenticates an Entra application that holds, on the ACS resource, a role with these two actions
// (learn.microsoft.com, "Create credentials for SMTP authentication"): a custom role with exactly them, not Contributor.
var smtpSenderActions = [
  'Microsoft.Communication/CommunicationServices/Read'
  'Microsoft.Communication/EmailServices/write'
]

resource emailService 'Microsoft.Communication/emailServices@2023-04-01' = {
  name: '${name}-email'
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
  }
}

resource domain 'Microsoft.Communication/emailServices/domains@2023-04-01' = {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  tags: tags
  properties: {
    domainManagement: 'AzureManaged'
    userEngagementTracking: 'Disabled'
  }
}

resource communication 'Microsoft.Communication/communicationServices@2023-04-01' = {
  name: '${name}-acs'
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    linkedDomains: [
      domain.id
    ]
  }
}

resource smtpSenderRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, 'cloudlifecycle-acs-smtp-sender')
  properties: {
    roleName: 'CloudLifecycle ACS SMTP sender (${resourceGroup().name})'
    description: 'Sends email through Azure Communication Services SMTP as an Entra application.'
    type: 'customRole'
    permissions: [
      {
        actions: smtpSenderActions
      }
    ]
    assignableScopes: [
      resourceGroup().id
    ]
  }
}

resource smtpSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(communication.id, smtpPrincipalId, smtpSenderRole.id)
  scope: communication
  properties: {
    principalId: smtpPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: smtpSenderRole.id
  }
}

output senderAddress string = 'DoNotReply@${domain.properties.mailFromSenderDomain}'
output communicationServiceName string = communication.name
