"""remove_synthetic: exactly the recorded rows and what hangs on them, never a real row."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from knowledgebase.actors.models import Actor
from knowledgebase.briefs.models import Brief, Takeaway
from knowledgebase.events.models import Event, Figure, FigureBreakdown
from knowledgebase.ihl.models import Allegation
from knowledgebase.loadtest.models import SyntheticIdRange
from knowledgebase.sources.models import Source
from tests import factories

synthetic = SyntheticIdRange.objects.rows


@pytest.fixture
def generated(demo_content):
    call_command("generate_synthetic", events=20, actors=10, organizations=5, verbosity=0)


def test_what_hangs_on_synthetic_rows_goes_and_the_real_rows_holding_them_stay(generated):
    event, actor = synthetic(Event).first(), synthetic(Actor).first()
    figure = Figure.objects.filter(event__in=synthetic(Event)).first()
    brief = factories.BriefFactory()
    brief.events.add(event)
    brief.actors.add(actor)
    takeaway = factories.TakeawayFactory(brief=brief, event=event)
    allegation = factories.AllegationFactory(event=event)
    breakdown = factories.FigureBreakdownFactory(figure=figure)
    child = factories.ActorFactory(parent=actor)

    call_command("remove_synthetic", verbosity=0)

    connection.check_constraints()
    assert not Allegation.objects.filter(pk=allegation.pk).exists()
    assert not FigureBreakdown.objects.filter(pk=breakdown.pk).exists()
    brief = Brief.objects.get(pk=brief.pk)
    assert (brief.events.count(), brief.actors.count()) == (0, 0)
    assert Takeaway.objects.get(pk=takeaway.pk).event is None
    assert Actor.objects.get(pk=child.pk).parent is None
    assert not Event.objects.filter(title__startswith="Synthetic").exists()


def test_a_real_row_that_needs_a_synthetic_one_stops_the_removal_and_nothing_goes(generated):
    before = synthetic(Event).count(), Source.objects.count()
    factories.FigureFactory(source=synthetic(Source).first())

    with pytest.raises(CommandError, match="figures that are not synthetic refer to synthetic sources"):
        call_command("remove_synthetic", verbosity=0)

    assert (synthetic(Event).count(), Source.objects.count()) == before


def test_the_command_reports_what_it_removed(generated, capsys):
    call_command("remove_synthetic")

    out = capsys.readouterr().out
    assert "  events: 20\n" in out
    assert "  event countries: " in out
    assert "  sources: 500\n" in out
    assert "  organisations: 5\n" in out
    assert out.endswith("Synthetic data removed.\n")


def test_dry_run_counts_and_removes_nothing(generated, capsys):
    call_command("remove_synthetic", dry_run=True)

    assert capsys.readouterr().out == "Would remove 20 synthetic events and everything synthetic with them.\n"
    assert synthetic(Event).count() == 20
