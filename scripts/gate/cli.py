def main() -> int:
    raise SystemExit("gate: not implemented yet")
