"""Revision history with revert, and the public change log a correction leaves on a published page."""

from knowledgebase.core.services import publishable_retract
from knowledgebase.events.models import Event, Figure
from tests.conftest import JAN_2024_EXCHANGE


def test_history_shows_an_editors_change_and_a_revert(editor_client, demo_content):
    event = Event.objects.get(public_id="tssk98te")
    event.title = "Changed by the editor"
    event._change_reason = "editor"
    event.save()
    history = Event.history.filter(id=event.pk).order_by("history_date")
    original = history.first()

    page = editor_client.get(f"/admin/events/event/{event.pk}/history/")
    revert_page = editor_client.get(f"/admin/events/event/{event.pk}/history/{original.history_id}/")

    assert page.status_code == 200
    assert "Changed by the editor" in page.content.decode() or "title" in page.content.decode()
    assert revert_page.status_code == 200
    assert original.title in revert_page.content.decode()


def test_the_revision_list_names_its_status_column_and_leaves_an_absent_reason_blank(editor_client, demo_content):
    event = Event.objects.get(public_id="tssk98te")
    event.title = "Changed without a reason"
    event.save()

    page = editor_client.get(f"/admin/events/event/{event.pk}/history/")

    table = page.content.decode().split('id="change-history"')[1].split("</table>")[0]
    headings = [cell.split("</th>")[0] for cell in table.split("</thead>")[0].split('<th scope="col">')[1:]]
    assert "Status" in headings and "status_at_revision" not in headings
    newest = table.split("<tbody>")[1].split("</tr>")[0]
    cells = [cell.split("</td>")[0].strip() for cell in newest.split("<td>")[1:]]
    assert cells[headings.index("Change reason")] == ""


def test_an_editor_cannot_revert_a_published_event(editor_client, demo_content):
    event = Event.objects.get(public_id=JAN_2024_EXCHANGE)
    first = Event.history.filter(id=event.pk).earliest("history_date")

    response = editor_client.post(f"/admin/events/event/{event.pk}/history/{first.history_id}/", {"title": "x"})

    assert response.status_code == 403


def test_a_reviewers_correction_of_a_published_figure_shows_on_the_public_page(client, demo_content):
    figure = Figure.objects.get(public_id="jcxe5wv5")
    figure.value = 174
    figure._change_reason = "Source re-read"
    figure.save()

    html = client.get(f"/events/{JAN_2024_EXCHANGE}/").content.decode()

    assert "Figure corrected: People returned to Ukraine according to Unnamed Russian sources, from 173 to 174" in html
    assert "Source re-read" in html
    assert "Updated " in html


def test_a_change_of_whose_words_the_account_quotes_shows_in_the_change_log(client, demo_content):
    event = Event.objects.get(public_id=JAN_2024_EXCHANGE)
    event.account_source = None
    event._change_reason = "The body is the editors' summary, not ISW's words."
    event.save()

    html = client.get(f"/events/{JAN_2024_EXCHANGE}/").content.decode()

    assert "Updated: body quoted from" in html
    assert "The body is the editors&#x27; summary, not ISW&#x27;s words." in html


def test_a_retracted_event_keeps_its_page_with_a_notice_and_leaves_lists(client, demo_content, reviewer):
    event = Event.objects.get(public_id=JAN_2024_EXCHANGE)
    publishable_retract(obj=event, by=reviewer, note="Duplicate of another record.")

    page = client.get(f"/events/{JAN_2024_EXCHANGE}/")
    listing = client.get("/events/?type=prisoner-exchange")
    export = b"".join(client.get("/events/export.csv").streaming_content).decode()

    assert page.status_code == 200
    assert "Retracted on" in page.content.decode() and "Duplicate of another record." in page.content.decode()
    assert JAN_2024_EXCHANGE not in listing.content.decode()
    assert JAN_2024_EXCHANGE not in export
