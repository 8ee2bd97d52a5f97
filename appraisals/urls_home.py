"""The site's home page, at the root and un-namespaced (``{% url 'home' %}``)."""

from django.urls import path

from appraisals.views.submissions import home

urlpatterns = [path("", home, name="home")]
