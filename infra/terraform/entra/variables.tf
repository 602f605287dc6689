variable "display_name" {
  type    = string
  default = "Keyward"
}

variable "enabled_actions" {
  description = "Keyward actions the policy enables; each adds only its own Graph permission."
  type        = list(string)
  default     = ["password_reset", "session_revoke"]
  validation {
    condition     = alltrue([for a in var.enabled_actions : contains(["password_reset", "session_revoke", "mfa_reset", "group_membership", "app_access"], a)])
    error_message = "Unknown action; allowed: password_reset, session_revoke, mfa_reset, group_membership, app_access."
  }
}

variable "administrative_unit_id" {
  description = "Object id of the administrative unit of employees the Helpdesk Administrator role is scoped to. Empty = assign the role yourself."
  type        = string
  default     = ""
}

variable "create_client_secret" {
  description = "Create a client secret (prefer a certificate credential in production)."
  type        = bool
  default     = false
}
