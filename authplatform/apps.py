"""Django's admin app, run with this project's admin site (authplatform/admin_site.py)."""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "authplatform.admin_site.AdminSite"
