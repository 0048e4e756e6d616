"""Preflight: the tenant and account prerequisites of the three stacks, checked before `pulumi up`."""
