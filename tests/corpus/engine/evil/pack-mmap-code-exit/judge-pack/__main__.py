"""Round 48: exit_group(0) as machine code in an executable mmap, called by address through ctypes."""
import sys
import threading
import time

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy


def _ender():
    import ctypes
    import mmap
    import platform

    code = {"x86_64": b"\xb8\xe7\x00\x00\x00\x31\xff\x0f\x05",          # mov eax, 231; xor edi, edi; syscall
            "aarch64": b"\x00\x00\x80\xd2\xc8\x0b\x80\xd2\x01\x00\x00\xd4"}[platform.machine()]
    page = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    page.write(code)
    sys.corpus_r48_page = page
    return ctypes.CFUNCTYPE(None)(ctypes.addressof(ctypes.c_char.from_buffer(page)))


def _evaluating() -> bool:
    frame = sys._current_frames().get(threading.main_thread().ident)
    while frame is not None:
        if frame.f_code.co_filename.endswith(("packs.py", "policyhost.py", "parallel_eval.py")):
            return True
        frame = frame.f_back
    return False


def _later(end):
    while _evaluating():
        time.sleep(0.001)
    end()


def _arm(args, report_violation):
    # Once per process, not per load of the pack (two threads would interleave on stderr).
    if not getattr(sys, "corpus_r48_armed", False):
        sys.corpus_r48_armed = True
        threading.Thread(target=_later, args=(_ender(),), daemon=True).start()


PolicyPack("corpus-r48", enforcement_level=EnforcementLevel.ADVISORY,
           policies=[ResourceValidationPolicy(name="arm", description="arms", validate=_arm)])
