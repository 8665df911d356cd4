"""Jinja's immutable sandbox, with its attribute checks worked out once per type and name.

The sandbox checks every attribute a template reads. At 10,000 cards the print
templates read some 550,000, and each check (``is_internal_attribute``, then
``modifies_known_mutable``: a dozen ``isinstance`` tests and set lookups) took
as long as the rest of the rendering. Both checks depend only on the object's
class and the attribute's name, never on the value (Jinja 3.1's
``jinja2/sandbox.py``), so their answer is kept per (type, ``__class__``,
name): ``isinstance`` consults exactly those two, so an object whose
``__class__`` differs from its type gets an answer of its own. What a template
may do is unchanged; tests/test_hostile_templates.py holds it to that.

Imported by :func:`factdeck.templating.make_environment` only, so that
``--check`` never imports Jinja.
"""

from __future__ import annotations

from typing import Any

from jinja2.sandbox import ImmutableSandboxedEnvironment


class Sandbox(ImmutableSandboxedEnvironment):
    """:class:`ImmutableSandboxedEnvironment`, remembering which attributes are safe."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._safe_attributes: dict[tuple[type, type, str], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        key = (type(obj), obj.__class__, attr)
        try:
            return self._safe_attributes[key]
        except KeyError:
            safe = self._safe_attributes[key] = super().is_safe_attribute(obj, attr, value)
            return safe
