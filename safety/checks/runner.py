"""Run checks in order, time each, and fail closed when one raises."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from safety.checks.base import CheckResult, Edit, TextCheck, TextContext

logger = logging.getLogger(__name__)


class AllChecksFailedError(RuntimeError):
    """A check and its conservative fallback both raised: the text cannot be passed on."""


def run_check(check: TextCheck, text: str, *, context: TextContext) -> CheckResult:
    """Run one check; on error log only its name and the error type, then use the fallback."""
    started = time.perf_counter()
    failed = False
    edits: tuple[Edit, ...]
    try:
        edits = check.find(text, context=context)
    except Exception as error:  # fail closed: any bug in a check must not let text through
        failed = True
        logger.warning(
            "safety check failed", extra={"check": check.name, "error": type(error).__name__}
        )
        try:
            edits = check.find_conservatively(text, context=context)
        except Exception as fallback_error:
            raise AllChecksFailedError(check.name) from fallback_error
    elapsed_ms = (time.perf_counter() - started) * 1000.0
    return CheckResult(check=check.name, edits=edits, failed=failed, elapsed_ms=elapsed_ms)


def run_checks(
    checks: Sequence[TextCheck], text: str, *, context: TextContext
) -> tuple[CheckResult, ...]:
    """Run every check on the same text, in the configured order."""
    return tuple(run_check(check, text, context=context) for check in checks)
