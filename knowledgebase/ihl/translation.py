"""Legal instruments' names, provisions' titles and summaries, and the editors' note on how an event relates to a
provision, per language (see core.translation). An allegation's excerpt quotes its source and is not translated."""

from knowledgebase.core.translation import UniqueNameTranslationOptions, register, register_rows
from knowledgebase.events.models import Event
from knowledgebase.ihl.models import Allegation, Instrument, Provision

register(Instrument, ["name", "short_name"], base=UniqueNameTranslationOptions)
register(Provision, ["title", "summary"])
register(Allegation, ["note"])
register_rows(Event, "allegations")
