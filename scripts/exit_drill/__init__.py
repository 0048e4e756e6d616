"""Exit drill: restore the latest off-vendor copy into a fresh, isolated database and prove it complete.

R2016 asks for "an exit strategy that is tested; data recoverable when the service stops" and CLOUD
"Servers" for backups not only at the vendor holding the primary data. The drill reads the copy from the
other cloud's object store (never the primary vendor), checks every object against the copy's manifest,
loads the tables into a database that shares nothing with production, compares row counts and content
checksums, and writes a signed-off JSON report that `evidence export` files under LOC-03 / LOC-04.
"""
