"""The single Django app that holds Nabij's models."""

from django.apps import AppConfig


class NabijConfig(AppConfig):
    """Registers Nabij's models and start-up hooks."""

    name = "nabij"
    label = "nabij"
    verbose_name = "Nabij"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from nabij.actions.roles import ensure_roles
        from nabij.dbfeatures.search import ensure_search_index

        post_migrate.connect(ensure_roles, sender=self)
        post_migrate.connect(ensure_search_index, sender=self)
