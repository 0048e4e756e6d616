"""Mandatory tags (information classification, D36 §90/§115): every taggable resource carries them."""

from __future__ import annotations

from dataclasses import dataclass

CLASSIFICATION_KEY = "classification"
CLASSIFICATIONS = ("publiek", "intern", "vertrouwelijk", "strikt-vertrouwelijk")


@dataclass(frozen=True)
class Tags:
    """The four tags the policies require on every taggable resource."""

    system: str
    """`dosis`, `e-loket` or `interconnect`."""
    controller: str
    """The controller (verwerkingsverantwoordelijke) accountable for the data."""
    pia_reference: str
    """Reference of the PIA record this deployment is covered by (see stacks/records/)."""
    classification: str = "vertrouwelijk"
    """Information classification; DOSIS is "vertrouwelijk" (D36 §90)."""

    def __post_init__(self) -> None:
        if self.classification not in CLASSIFICATIONS:
            raise ValueError(f"classification must be one of {CLASSIFICATIONS}, got {self.classification!r}")

    def as_dict(self, **extra: str) -> dict[str, str]:
        return {
            CLASSIFICATION_KEY: self.classification,
            "controller": self.controller,
            "system": self.system,
            "pia-reference": self.pia_reference,
            **extra,
        }
