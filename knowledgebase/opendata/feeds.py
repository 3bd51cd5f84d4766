"""What every Atom feed of the site shares."""

from django.utils.feedgenerator import Atom1Feed


class TextSummaryAtomFeed(Atom1Feed):
    """Atom whose entry summaries are plain text (``type="text"``): editors write summaries as text, and a
    feed reader must show ``<b>`` as written rather than render it. Django's Atom1Feed says "html"."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})
