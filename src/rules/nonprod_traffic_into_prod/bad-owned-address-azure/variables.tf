# Write-only and ephemeral: the password is in neither the plan nor the state.
variable "sql_admin_password" {
  description = "Administrator password of the production SQL server."
  type        = string
  sensitive   = true
  ephemeral   = true
}
