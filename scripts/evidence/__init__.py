"""Auditor evidence: OSCAL assessment results, an HTML report, a hash manifest, and live cloud checks."""
