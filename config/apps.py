from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """Django's admin with our site class, so every `@admin.register` lands on a site that
    knows about the second factor without any app having to import a custom site."""

    default_site = "config.admin_site.StaffAdminSite"
