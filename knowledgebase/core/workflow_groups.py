"""The two editorial groups and their permissions, kept in one place.

* Editor: creates and edits drafts of every record and submits them for review;
  adds and edits actors, organisations and sources; reads the taxonomies.
* Reviewer: everything an editor does, plus publishing and retracting, and
  maintaining taxonomies and IHL provisions; they also see staff sign-ins and
  lockouts (django-axes) and lift a lockout.

Which models are editorial, shared or standard, each domain app says itself
(``core.apps.DomainConfig``). Called by data migrations and by tests (``live_server``
flushes tables).
"""

from knowledgebase.core.apps import domain_configs

EDITOR = "Editor"
REVIEWER = "Reviewer"
# Sign-in records: reviewers read sign-ins, failures and lockouts, and lift a lockout by deleting it.
SIGN_IN_PERMISSIONS = [
    ("axes", "view_accessattempt"),
    ("axes", "delete_accessattempt"),
    ("axes", "view_accesslog"),
    ("axes", "view_accessfailurelog"),
]


def domain_apps():
    return [config.label for config in domain_configs()]


def declared(kind):
    """{app label: [model names]}: what the domain apps declare as ``kind`` (``editorial_models``,
    ``shared_models`` or ``standard_models``)."""
    return {config.label: list(getattr(config, kind)) for config in domain_configs() if getattr(config, kind)}


def _codenames(app_label, model, actions):
    return [(app_label, f"{action}_{model}") for action in actions]


def editor_permissions():
    wanted = []
    for app_label, models in declared("editorial_models").items():
        for model in models:
            wanted += _codenames(app_label, model, ["add", "change", "delete", "view"])
    for app_label, models in declared("shared_models").items():
        for model in models:
            wanted += _codenames(app_label, model, ["add", "change", "view"])
    return wanted


def reviewer_permissions(all_codenames):
    """Every permission of the domain apps, except on the standard tables, and the sign-in records."""
    standard = {
        (app, f"{action}_{model}")
        for app, models in declared("standard_models").items()
        for model in models
        for action in ("add", "change", "delete")
    }
    domain = [pair for pair in all_codenames if pair[0] in domain_apps() and pair not in standard]
    return domain + [pair for pair in SIGN_IN_PERMISSIONS if pair in all_codenames]


def sync_workflow_groups(apps):
    """Create or update both groups; ``apps`` is a migration's app registry or django.apps.apps."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    domain = list(
        Permission.objects.filter(content_type__app_label__in=[*domain_apps(), "axes"]).values_list(
            "content_type__app_label", "codename", "pk"
        )
    )
    by_pair = {(app, codename): pk for app, codename, pk in domain}
    view_all = [pk for (app, codename), pk in by_pair.items() if app in domain_apps() and codename.startswith("view_")]

    editor, _created = Group.objects.get_or_create(name=EDITOR)
    editor_ids = {by_pair[pair] for pair in editor_permissions() if pair in by_pair} | set(view_all)
    editor.permissions.set(editor_ids)

    reviewer, _created = Group.objects.get_or_create(name=REVIEWER)
    reviewer.permissions.set([by_pair[pair] for pair in reviewer_permissions(by_pair)])
    return editor, reviewer
