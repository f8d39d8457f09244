"""Keys typed ahead are applied in the order they were typed: the one workaround for Textual #6605.

Over SSH several keys arrive in one read. Textual 8.2.8 forwards every Key of the burst to the
widget focused when the *App* handles it, before any widget has processed one, and an `Input`
applies printable keys in its own `_on_key` while its binding keys (Enter, Tab, ctrl+u,
backspace, arrows) bubble up to the App and run later. So `a ctrl+u b` erased the `b`, and the
keys typed after Tab or Enter landed in the field before. (shared/docs/typeahead.md has the
measurements.)

`TypeaheadInput` applies every key where it arrives, in order:

1. its own bindings (ctrl+u, backspace, home, end, arrows, ...) run inside `_on_key`;
2. Tab / shift+Tab move focus synchronously, in the same handler;
3. Enter delivers `Input.Submitted` to the input's own handlers and its ancestors' (up to the
   screen) *now*, not through the message queues, so that a handler which moves focus (the filter
   box to the job list) or applies the text (the filter) has done so before the next key;
4. a key that arrives after focus moved away (it was typed ahead of the move) is handed, as a
   copy, to the widget focused now, behind the keys already queued for it, so the order holds.

Use it wherever an operator types: the filter box, the explore dialog's time, the sign-in
fields, the certificate `replace` field. `reroute_typed_ahead` is rule 4 for any other widget.
"""

from __future__ import annotations

from textual import events
from textual._callback import invoke
from textual.message import Message
from textual.message_pump import MessagePump
from textual.widget import Widget
from textual.widgets import Input

__all__ = ["TypeaheadInput", "deliver_now", "reroute_typed_ahead"]

_FOCUS_KEYS = {"tab": "next", "shift+tab": "previous"}


def reroute_typed_ahead(widget: Widget, event: events.Key) -> bool:
    """Rule 4: if `widget` no longer has focus, hand a copy of `event` to the widget that has.

    Returns True when the key was re-routed (the caller must not apply it). Messages are FIFO per
    widget, so keys re-routed one by one keep their order behind those already queued there.
    """
    app = widget.app
    focused = app.focused
    if focused is widget:
        return False
    event.stop()
    event.prevent_default()
    target: Widget = focused if focused is not None else app.screen
    target.post_message(events.Key(event.key, event.character))
    return True


def reroute_after_focus_move(widget: Widget, event: events.Key) -> bool:
    """`reroute_typed_ahead` for a key typed right after one that opened a screen (`:` the palette):
    the new screen's field takes focus only once it is mounted, so the copy is handed over after
    the next refresh, to whatever has focus then. Keys keep their order (callbacks run in order)."""
    app = widget.app
    if app.focused is widget:
        return False
    event.stop()
    event.prevent_default()
    key = events.Key(event.key, event.character)
    screen = app.screen

    def hand_over() -> None:
        (app.focused or screen).post_message(key)

    screen.call_after_refresh(hand_over)
    return True


async def deliver_now(message: Message, sender: Widget) -> None:
    """Run `message`'s handlers on `sender` and its ancestors up to the App, right now, in order.

    What the message queues would do a few hops later (bubbling), done while the key that caused
    it is being handled. Stops where a handler stops the message. Relies on Textual 8.2.8's
    `_get_dispatch_methods` (the same lookup as queued dispatch; `@on` selectors included).
    """
    node: MessagePump | None = sender
    while node is not None:
        with node.prevent(*message._prevent):
            for _cls, method in node._get_dispatch_methods(message.handler_name, message):
                await invoke(method, message)
        if message._stop_propagation or not message.bubble:
            break
        node = node._parent
    message.stop()  # handled: it must not bubble again


class TypeaheadInput(Input):
    """An `Input` that applies each key of a burst in order, focus moves included (see module doc)."""

    async def _on_key(self, event: events.Key) -> None:
        if reroute_typed_ahead(self, event):
            return
        key = event.key
        if key in _FOCUS_KEYS:
            event.stop()
            event.prevent_default()
            if _FOCUS_KEYS[key] == "next":
                self.screen.focus_next()
            else:
                self.screen.focus_previous()
            return
        if key == "enter":
            event.stop()
            event.prevent_default()
            await self.submit_now()
            return
        if not event.is_printable:
            bindings = self._bindings.key_to_bindings.get(key, ())
            if bindings:
                event.stop()
                event.prevent_default()
                self._restart_blink()
                for binding in bindings:
                    if await self.app.run_action(binding.action, self):
                        break
                return
        # Printable keys: Input._on_key, next in the MRO, inserts them (already in order).

    async def submit_now(self) -> None:
        """Enter: validate like `Input.action_submit`, then deliver `Submitted` synchronously."""
        validation = self.validate(self.value) if "submitted" in self.validate_on else None
        await deliver_now(self.Submitted(self, self.value, validation), self)

    async def action_submit(self) -> None:  # Enter reached through another path (a binding, a test)
        await self.submit_now()
