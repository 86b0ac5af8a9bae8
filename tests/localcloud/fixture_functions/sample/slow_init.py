"""The sample handler behind an init phase of 1.5 s (a heavy import), for the pool's cold-start tests."""

import time

from sample.app import handler  # noqa: F401 - the handler this module serves

time.sleep(1.5)
