terraform {
  required_version = ">= 1.5"
  required_providers {
    azuread = {
      source  = "hashicorp/azuread"
      version = "~> 3.0"
    }
  }
}

provider "azuread" {}

locals {
  # Microsoft Graph *application* permissions per enabled action. Never Directory.ReadWrite.All,
  # User.ReadWrite.All or RoleManagement.ReadWrite.Directory. RoleManagement.Read.Directory: the
  # admin-role check on targets, and `keyward doctor` reading the app's own directory roles.
  base_permissions = ["User.Read.All", "GroupMember.Read.All", "RoleManagement.Read.Directory", "IdentityRiskyUser.Read.All"]
  action_permissions = {
    password_reset   = ["User-PasswordProfile.ReadWrite.All"]
    session_revoke   = ["User.RevokeSessions.All"]
    mfa_reset        = ["UserAuthenticationMethod.ReadWrite.All"]
    group_membership = ["GroupMember.ReadWrite.All"]
    app_access       = ["AppRoleAssignment.ReadWrite.All"]
  }
  permissions = distinct(concat(local.base_permissions, flatten([for a in var.enabled_actions : lookup(local.action_permissions, a, [])])))
}

data "azuread_application_published_app_ids" "well_known" {}

data "azuread_service_principal" "msgraph" {
  client_id = data.azuread_application_published_app_ids.well_known.result["MicrosoftGraph"]
}

resource "azuread_application" "keyward" {
  display_name     = var.display_name
  sign_in_audience = "AzureADMyOrg"
  required_resource_access {
    resource_app_id = data.azuread_application_published_app_ids.well_known.result["MicrosoftGraph"]
    dynamic "resource_access" {
      for_each = local.permissions
      content {
        id   = data.azuread_service_principal.msgraph.app_role_ids[resource_access.value]
        type = "Role"
      }
    }
  }
}

resource "azuread_service_principal" "keyward" {
  client_id = azuread_application.keyward.client_id
}

# Admin consent: assign each application permission to the service principal.
resource "azuread_app_role_assignment" "graph" {
  for_each            = toset(local.permissions)
  app_role_id         = data.azuread_service_principal.msgraph.app_role_ids[each.value]
  principal_object_id = azuread_service_principal.keyward.object_id
  resource_object_id  = data.azuread_service_principal.msgraph.object_id
}

# Password reset by an app also needs a directory role. Helpdesk Administrator (not User
# Administrator), scoped to an administrative unit holding the employees: privileged users stay out
# of reach, and Graph answers Authorization_RequestDenied for them (Keyward escalates, never retries).
resource "azuread_directory_role" "helpdesk" {
  count        = contains(var.enabled_actions, "password_reset") ? 1 : 0
  display_name = "Helpdesk Administrator"
}

resource "azuread_administrative_unit_role_member" "helpdesk" {
  count                         = contains(var.enabled_actions, "password_reset") && var.administrative_unit_id != "" ? 1 : 0
  role_object_id                = azuread_directory_role.helpdesk[0].object_id
  administrative_unit_object_id = var.administrative_unit_id
  member_object_id              = azuread_service_principal.keyward.object_id
}

resource "azuread_application_password" "keyward" {
  count          = var.create_client_secret ? 1 : 0
  application_id = azuread_application.keyward.id
  display_name   = "keyward"
  end_date       = timeadd(timestamp(), "2160h") # 90 days: keyward doctor warns at that age too
  lifecycle {
    ignore_changes = [end_date]
  }
}

output "azure_client_id" {
  value = azuread_application.keyward.client_id
}

output "graph_permissions" {
  value = local.permissions
}

output "azure_client_secret" {
  value     = var.create_client_secret ? azuread_application_password.keyward[0].value : null
  sensitive = true
}
