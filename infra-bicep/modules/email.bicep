// Azure Communication Services with an Email service and an Azure-managed sender domain; data stays in Japan.
// The app sends through ACS's SMTP endpoint (smtp.azurecomm.net:587, STARTTLS) with an Entra application's credentials.
param name string
param tags object

@description('Where ACS keeps its data.')
param dataLocation string = 'Japan'

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

output senderAddress string = 'DoNotReply@${domain.properties.mailFromSenderDomain}'
output communicationServiceName string = communication.name
