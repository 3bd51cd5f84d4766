"""A statistic's labels: each choice shown in the reader's language, whatever the field."""

from django.utils import translation

from knowledgebase.displacement.models import DisplacementStatistic


def test_a_choice_is_labelled_in_the_active_language_and_an_unknown_value_as_it_is():
    statistic = DisplacementStatistic(population_type="IDP", cause="disaster", measurement="flow")

    with translation.override("en"):
        english = (statistic.get_population_type_display(), statistic.get_measurement_display())
    with translation.override("uk"):
        ukrainian = statistic.get_population_type_display()
    statistic.population_type = "XYZ"

    assert english == ("Internally displaced people", "Flow: new displacements in a period")
    assert ukrainian == "Внутрішньо переміщені особи"
    assert statistic.get_population_type_display() == "XYZ"
