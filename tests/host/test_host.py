"""Every library's host C tests, in one module.

A library (or an API) declares its host programs and a pytest driver in
[host-test] (see tests/hostc.py); this module collects the checks of every
driver in the catalog, so a new library's host tests run with no file here
to add. Run one library's with `-k <name>` (e.g. `-k alloc`, `-k sched_coop`)."""

from hostc import drivers

globals().update(drivers())
