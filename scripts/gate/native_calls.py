"""Where a ctypes call in the gate's own process lands (round 48, gate.process_ends).

A pack called libc's `_exit` through a function pointer it computed from `getpid`'s address (their
distance read from libc's symbol table), and machine code of its own written into an executable `mmap`:
no look-up of an ending name, so round 47's hook heard nothing. Every foreign call ctypes makes raises
`ctypes.call_function` with the address it calls; `landing()` gives the gate's hook a judge of it: the
start of a symbol the dynamic linker names (`dladdr`) that ends nothing is let through, as are ctypes'
own helpers (`memmove`, `string_at`, `cast`, …); an ending symbol, or an address where no symbol starts
(code of its own, a computed address, a Python callback called directly), is named. Verdicts are kept
by address. Where the platform has no `dladdr`, nothing is judged this way (the name look-ups still are).
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from typing import Any


class _Info(ctypes.Structure):
    _fields_ = [("fname", ctypes.c_char_p), ("fbase", ctypes.c_void_p), ("sname", ctypes.c_char_p),
                ("saddr", ctypes.c_void_p)]


def _dladdr() -> Any:
    for library in (None, "libdl.so.2"):
        try:
            fn = ctypes.CDLL(library).dladdr
        except (OSError, AttributeError):
            continue
        fn.argtypes, fn.restype = [ctypes.c_void_p, ctypes.POINTER(_Info)], ctypes.c_int
        return fn
    return None


def _helpers() -> set[int]:
    names = ("_memmove_addr", "_memset_addr", "_string_at_addr", "_cast_addr", "_wstring_at_addr")
    return {getattr(ctypes, n) for n in names if isinstance(getattr(ctypes, n, None), int)}


def landing(ends: Callable[[Any], bool]) -> Callable[[Any], str | None]:
    """A judge of a ctypes call's address (`ends`: whether a symbol's name ends a process): None where it
    may land, else what it would run."""
    dladdr = _dladdr()
    if dladdr is None:
        return lambda address: None
    own = {ctypes.cast(dladdr, ctypes.c_void_p).value, *_helpers()}
    known: dict[int, str | None] = dict.fromkeys(own)
    void_p, byref = ctypes.c_void_p, ctypes.byref

    def where(address: Any) -> str | None:
        if not isinstance(address, int):
            return None
        if address in known:
            return known[address]
        info = _Info()
        if not dladdr(void_p(address), byref(info)) or info.saddr != address or not info.sname:
            verdict: str | None = (f"address {address:#x}, where no symbol starts (machine code of its own, "
                                   "or an address computed from another's)")
        elif ends(info.sname):
            verdict = f"{info.sname.decode('utf-8', 'replace')} (address {address:#x})"
        else:
            verdict = None
        known[address] = verdict
        return verdict
    return where
