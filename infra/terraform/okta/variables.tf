variable "org_name" {
  description = "Okta org subdomain (your-org in your-org.okta.com)."
  type        = string
}

variable "base_url" {
  description = "okta.com, oktapreview.com or okta-emea.com."
  type        = string
  default     = "okta.com"
}

variable "app_label" {
  type    = string
  default = "Keyward"
}

variable "enabled_actions" {
  description = "Keyward actions the policy makes self-service; each adds only its own scopes and permissions. group_membership covers group joins and leaves and the conditional-access exception; app_access the app requests. Default: the default policy's."
  type        = list(string)
  default     = ["password_reset", "account_unlock", "session_revoke", "mfa_reset", "group_membership", "app_access"]
  validation {
    condition     = alltrue([for a in var.enabled_actions : contains(["password_reset", "account_unlock", "session_revoke", "mfa_reset", "group_membership", "app_access"], a)])
    error_message = "Unknown action; allowed: password_reset, account_unlock, session_revoke, mfa_reset, group_membership, app_access."
  }
}

variable "population_group_ids" {
  description = "Groups whose members Keyward may act on (e.g. all employees). Must not contain admins."
  type        = list(string)
}

variable "requestable_group_ids" {
  description = "Groups employees may request membership of (the policy catalogue) and the conditional-access exclusion group. Never admin groups."
  type        = list(string)
  default     = []
}

variable "requestable_app_ids" {
  description = "Apps employees may request (the policy catalogue)."
  type        = list(string)
  default     = []
}

variable "key_id" {
  description = "kid of the public key; set OKTA_KEY_ID to the same value."
  type        = string
  default     = "keyward-1"
}

variable "public_key_n" {
  description = "RSA modulus (base64url) of the public key whose private half is OKTA_PRIVATE_KEY."
  type        = string
}

variable "public_key_e" {
  description = "RSA exponent (base64url), usually AQAB."
  type        = string
  default     = "AQAB"
}
