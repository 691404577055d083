"""The demo data of `make run` (`acquis demo`), built through the real services.

`core` builds it in order: the first certifier's staff, partner and cohorts (`core`), its
evaluations and juries (`juries`) and what they issue (`credentials`), the machine API
(`api`), the insertion surveys (`followup`), and a second certifier with its own title
(`second`). `common` holds what they share and imports none of them: no import cycle.
"""

from acquis.demo.common import DEMO_PASSWORD, DEMO_TOTP_KEY, DemoLogin
from acquis.demo.core import build_demo

__all__ = ["DEMO_PASSWORD", "DEMO_TOTP_KEY", "DemoLogin", "build_demo"]
