"""Helpers for the tests that are bigger than a module of their own: `support.browse`, the farm walker.

Test modules import it as `support` (pytest puts `tests/` on `sys.path`, as it does for `tests_support`).
"""
