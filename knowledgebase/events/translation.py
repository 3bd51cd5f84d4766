"""The event taxonomy, events' texts and measure names per language, with the editors' notes that go with an
event: how its date is known, its place, a participant's part, why a figure is ranked (see core.translation).

Excerpts are not translated: they quote a source in its own language (``Source.language``)."""

from knowledgebase.core.translation import UniqueNameTranslationOptions, register, register_rows
from knowledgebase.events.models import Event, EventCategory, EventType, Figure, Measure, Participation

register(EventCategory, ["name", "description"], base=UniqueNameTranslationOptions)
register(EventType, ["name", "description"], base=UniqueNameTranslationOptions)
register(Measure, ["name", "description"], base=UniqueNameTranslationOptions)
register(Event, ["title", "summary", "body", "date_note", "place_name"])
register(Participation, ["note"])
register(Figure, ["rank_reason"])
register_rows(Event, "participations", "figures")
