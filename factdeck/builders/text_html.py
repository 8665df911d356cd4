"""The CSV export's rows as HTML, for a deck with markup or media.

Anki's text importer takes HTML fields when the file says ``#html:true``;
only then can a row show a picture (``<img src="NAME">``) and keep its
emphasis. A row's sides are rendered as plain text by ``templates/text/card.txt``
and then, as a whole, read as markup (or escaped, without markup) here, so
the text is escaped at this boundary and nowhere else. Media are referred to
by the names they have in the .apkg (:attr:`MediaFile.name`); sounds as
``[sound:NAME]``, which Anki plays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from markupsafe import Markup

from ..markup import Role, parse
from ..markup_render import to_html
from ..model import Card, Deck
from ..templating import html_text
from .anki_media import MEDIA_TEMPLATE, image_field, sound_field

if TYPE_CHECKING:
    import jinja2


def needs_html(deck: Deck) -> bool:
    """Whether the CSV must be HTML: the deck has markup on, or a card with media."""
    return deck.settings.marked_up or any(card.media.files() for card in deck.cards)


class HtmlRows:
    """Turns a row's plain-text sides, note and citation into HTML fields with the card's media."""

    def __init__(self, env: jinja2.Environment, markup: bool) -> None:
        self.media = env.get_template(MEDIA_TEMPLATE)
        self.markup = markup

    def text(self, text: str, role: Role) -> str:
        return str(to_html(parse(text, role)) if self.markup else html_text(text))

    def front(self, card: Card, text: str) -> str:
        return self._with(self.text(text, Role.ANSWER), image_field(self.media, card.media.image,
                                                                    card.media.image_alt))

    def back(self, card: Card, text: str) -> str:
        media = card.media
        return self._with(self.text(text, Role.ANSWER), image_field(self.media, media.answer_image, media.image_alt),
                          sound_field(self.media, media.audio))

    @staticmethod
    def _with(text: str, *media: str) -> str:
        return str(Markup("<br>").join(Markup(part) for part in (text, *media) if part))
