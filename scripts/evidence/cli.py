def main() -> int:
    raise SystemExit("evidence: not implemented yet")
