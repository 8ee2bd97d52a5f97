from django.apps import AppConfig


class MlConfig(AppConfig):
    """The registry of trained classifier versions.

    Only ``models.py``, ``services.py``, ``selectors.py``, ``admin.py`` and the management
    commands touch Django; the rest of ``ml/`` (data, training, inference) is plain Python
    that takes images and returns scores.
    """

    name = "ml"
    verbose_name = "AI pre-screen models"
