"""Waiting for a server that cannot be reached: backoff, a countdown the operator sees, ctrl+r now.

retry = Reconnect()
while True:
    try: ...sign in...
    except TransportError as error:
        if not await retry.wait(screen, describe(error)): return   # the operator took over
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from vbotui.api.errors import TlsError, TransportError

from .screens.signin import SignInScreen

# Seconds before each try: short at first (a blip), then once a minute (a server being restarted).
DELAYS_S = (2.0, 5.0, 10.0, 20.0, 30.0, 60.0)


def unreachable(error: BaseException) -> bool:
    """Nothing reached the server (refused, no route, timed out): worth trying again by itself.

    A certificate problem is not: it needs the operator, and nothing is sent until they decide.
    """
    return isinstance(error, TransportError) and not isinstance(error, TlsError)


class Reconnect:
    def __init__(self, delays: tuple[float, ...] | None = None, tick: float = 1.0) -> None:
        self.delays = delays or DELAYS_S
        self.tick = tick
        self.attempt = 0
        self._now = asyncio.Event()

    def now(self) -> None:
        """ctrl+r on the sign-in screen: stop counting, try at once."""
        self._now.set()

    async def wait(self, screen: SignInScreen, why: str, still_wanted: Callable[[], bool]) -> bool:
        """Count down on `screen` before the next try; False when the operator took over meanwhile
        (typed a sign-in, left the screen), so no try should follow."""
        delay = self.delays[min(self.attempt, len(self.delays) - 1)]
        self.attempt += 1
        self._now.clear()
        left = delay
        while left > 0:
            if not still_wanted():
                return False
            screen.show_error(f"{why} Trying again in {left:.0f} s (ctrl+r: now).")
            try:
                await asyncio.wait_for(self._now.wait(), min(self.tick, left))
                break
            except asyncio.TimeoutError:
                left -= min(self.tick, left)
        return still_wanted()
