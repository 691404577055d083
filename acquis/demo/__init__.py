"""The demo data of `make run` (`acquis demo`), built through the real services.

`core` builds it in order: the first certifier's staff, partner and cohorts (`core`), its
evaluations and juries (`juries`) and what they issue (`credentials`), the machine API
(`api`), the insertion surveys (`followup`), and a second certifier with its own title
(`second`). `common` holds what they share and imports none of them: no import cycle.
The package itself imports nothing: callers import `core.build_demo` and `common`'s
constants.
"""
