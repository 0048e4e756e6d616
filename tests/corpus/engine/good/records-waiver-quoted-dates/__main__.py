"""Good: a valid waiver (of require-customer-managed-keys, the pia-conditions pack's) whose decided and expires are quoted strings ("2026-11-01", "2027-03-01") -> require-valid-waivers holds it valid"""
import pulumi_aws as aws

aws.s3.Bucket("data")
