using 'main.bicep'

// Production parameters. Secrets are read from the environment of the deploying workflow (GitHub
// secrets), never written here.
param environmentName = readEnvironmentVariable('CLOUDLIFECYCLE_ENVIRONMENT', 'prod')
param location = 'japaneast'
param issuerName = readEnvironmentVariable('CLOUDLIFECYCLE_ISSUER_NAME', '')
param issuerRegistrationNumber = readEnvironmentVariable('CLOUDLIFECYCLE_ISSUER_REGISTRATION', '')
param smtpUserName = readEnvironmentVariable('CLOUDLIFECYCLE_SMTP_USERNAME', '')
param crmApiKey = readEnvironmentVariable('CLOUDLIFECYCLE_CRM_API_KEY', '')
param feedSecret = readEnvironmentVariable('CLOUDLIFECYCLE_FEED_SECRET', '')
param smtpPassword = readEnvironmentVariable('CLOUDLIFECYCLE_SMTP_PASSWORD', '')
param emailHourlyQuota = 100
param billingRunDay = 1
