from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members and roles")

    def ready(self) -> None:
        # Role groups need the permissions that every app's migrations create, so they
        # are synced after each migrate rather than in a data migration of this app.
        post_migrate.connect(_sync_roles_after_migrate, dispatch_uid="members.roles_sync")


def _sync_roles_after_migrate(sender: AppConfig, **kwargs: object) -> None:
    from members.services import roles_sync

    roles_sync()
