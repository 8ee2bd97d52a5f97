import sys

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# CPython's default.
PYTHON_RECURSION_LIMIT = 1000


class ProvenanceConfig(AppConfig):
    name = "provenance"
    verbose_name = _("Provenance")

    def ready(self) -> None:
        # py_ecc, which eth_account loads (through eth_keyfile), raises the recursion limit to
        # 100000 when it is imported. A thread's C stack overflows long before that, so a
        # deeply nested structure (a JSON body of 100000 "[") kills the whole process with
        # SIGSEGV instead of raising RecursionError. Load it now, while Django sets up the web,
        # worker and command processes, and put the default back: nothing we call recurses
        # that deep (py-evm, in the contract's unit tests only, raises it again for itself).
        import py_ecc  # noqa: F401

        if sys.getrecursionlimit() > PYTHON_RECURSION_LIMIT:
            sys.setrecursionlimit(PYTHON_RECURSION_LIMIT)
