using 'main.bicep'

// Production parameters. Secrets are read from the environment of the deploying workflow (GitHub
// secrets), never written here. The required ones have no default: an unset variable stops the build
// naming it, and an empty one is refused by the parameter's @minLength (main.bicep).
param environmentName = readEnvironmentVariable('CLOUDLIFECYCLE_ENVIRONMENT', 'prod')
param location = 'japaneast'
param issuerName = readEnvironmentVariable('CLOUDLIFECYCLE_ISSUER_NAME')
param issuerRegistrationNumber = readEnvironmentVariable('CLOUDLIFECYCLE_ISSUER_REGISTRATION')
param smtpAppClientId = readEnvironmentVariable('CLOUDLIFECYCLE_SMTP_APP_CLIENT_ID')
param smtpPrincipalId = readEnvironmentVariable('CLOUDLIFECYCLE_SMTP_PRINCIPAL_ID')
param crmApiKey = readEnvironmentVariable('CLOUDLIFECYCLE_CRM_API_KEY')
param feedSecret = readEnvironmentVariable('CLOUDLIFECYCLE_FEED_SECRET')
param smtpPassword = readEnvironmentVariable('CLOUDLIFECYCLE_SMTP_PASSWORD')
param emailHourlyQuota = 10
param emailMinuteQuota = 5
param publicBaseUrl = readEnvironmentVariable('CLOUDLIFECYCLE_PUBLIC_BASE_URL', '')
param webhookUrl = readEnvironmentVariable('CLOUDLIFECYCLE_WEBHOOK_URL', '')
param webhookSecret = readEnvironmentVariable('CLOUDLIFECYCLE_WEBHOOK_SECRET', '')
param privateNetworking = bool(readEnvironmentVariable('CLOUDLIFECYCLE_PRIVATE_NETWORKING', 'false'))
param billingRunDay = 1
