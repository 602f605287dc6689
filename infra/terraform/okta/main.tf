terraform {
  required_version = ">= 1.5"
  required_providers {
    okta = {
      source  = "okta/okta"
      version = "~> 4.11"
    }
  }
}

provider "okta" {
  org_name = var.org_name
  base_url = var.base_url
  # Credentials of the admin running Terraform come from OKTA_API_TOKEN or the provider's OAuth env.
}

locals {
  # Okta OAuth scopes per enabled Keyward action: the scope Okta's management spec declares for each
  # API operation the adapter calls. THE list is OKTA_ACCESS_BY_ACTION in
  # apps/keyward/src/cli/doctor/okta-permissions.ts (README "Okta"); its test keeps these keys and
  # lists identical. Always needed: look-ups (users, a user's groups, admin roles — the refusal of
  # privileged targets) and the Okta Verify push before every action; okta.schemas.read is only for
  # `keyward doctor` (it checks that users cannot edit managerId/manager, which name their approver).
  base_scopes = ["okta.users.read", "okta.roles.read", "okta.users.manage", "okta.schemas.read"]
  action_scopes = {
    password_reset   = ["okta.users.manage"]
    account_unlock   = ["okta.users.read", "okta.users.manage"]
    session_revoke   = ["okta.users.manage"]
    mfa_reset        = ["okta.users.read", "okta.users.manage"]
    group_membership = ["okta.groups.read", "okta.users.read", "okta.groups.manage"]
    app_access       = ["okta.apps.read", "okta.apps.manage"]
  }
  scopes = distinct(concat(local.base_scopes, flatten([for a in var.enabled_actions : local.action_scopes[a]])))

  # Permissions of the custom admin role: what the enabled actions do, nothing more. Scopes only open
  # the endpoints; the role decides what Okta lets the app do there. A user's group membership or app
  # assignment needs the user-side permission (on the population) and the group/app-side one (on the
  # requestable groups and apps of the resource set).
  base_permissions = ["okta.users.read"]
  action_permissions = {
    password_reset   = ["okta.users.credentials.resetPassword"]
    account_unlock   = ["okta.users.lifecycle.unlock"]
    session_revoke   = ["okta.users.lifecycle.clearSessions"]
    mfa_reset        = ["okta.users.credentials.resetFactors"]
    group_membership = ["okta.groups.read", "okta.groups.members.manage", "okta.users.groupMembership.manage"]
    app_access       = ["okta.apps.read", "okta.apps.assignment.manage", "okta.users.appAssignment.manage"]
  }
  permissions = distinct(concat(local.base_permissions, flatten([for a in var.enabled_actions : local.action_permissions[a]])))
  org_url     = "https://${var.org_name}.${var.base_url}"
}

resource "okta_app_oauth" "keyward" {
  label                      = var.app_label
  type                       = "service"
  grant_types                = ["client_credentials"]
  response_types             = ["token"]
  token_endpoint_auth_method = "private_key_jwt"
  pkce_required              = false
  jwks {
    kty = "RSA"
    kid = var.key_id
    # The provider takes the modulus/exponent; derive them from the PEM you generated.
    e = var.public_key_e
    n = var.public_key_n
  }
}

resource "okta_app_oauth_api_scope" "keyward" {
  app_id = okta_app_oauth.keyward.id
  issuer = local.org_url
  scopes = local.scopes
}

# Who Keyward may act on: users of the employee population groups, and the requestable groups.
# Admin groups are deliberately absent — the role grants nothing on them or their members.
resource "okta_resource_set" "keyward" {
  label       = "${var.app_label} targets"
  description = "Employees Keyward may serve and the groups they may request; never admin groups."
  resources = concat(
    [for id in var.population_group_ids : "${local.org_url}/api/v1/groups/${id}/users"],
    [for id in var.requestable_group_ids : "${local.org_url}/api/v1/groups/${id}"],
    [for id in var.requestable_app_ids : "${local.org_url}/api/v1/apps/${id}"],
  )
}

resource "okta_admin_role_custom" "keyward" {
  label       = "${var.app_label} actions"
  description = "Only what Keyward's enabled actions need."
  permissions = local.permissions
}

resource "okta_app_oauth_role_assignment" "keyward" {
  client_id    = okta_app_oauth.keyward.client_id
  type         = "CUSTOM"
  role         = okta_admin_role_custom.keyward.id
  resource_set = okta_resource_set.keyward.id
}

# Reading roles of any user (to refuse admins) needs a read-only standard role.
resource "okta_app_oauth_role_assignment" "read_only" {
  client_id = okta_app_oauth.keyward.client_id
  type      = "READ_ONLY_ADMIN"
}

output "okta_client_id" {
  description = "OKTA_CLIENT_ID"
  value       = okta_app_oauth.keyward.client_id
}

output "okta_scopes" {
  description = "OKTA_SCOPES"
  value       = join(" ", local.scopes)
}
