"""The request a signed-in page receives, for type checking.

Django types ``request.user`` as ``User | AnonymousUser``. Behind ``login_required`` or the
admin's ``admin_view`` it is always a member; annotating such a view's request as
``AuthenticatedHttpRequest`` says so to mypy, with no check at run time (django-stubs'
recommended pattern).
"""

from __future__ import annotations

from django.http import HttpRequest

from members.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
