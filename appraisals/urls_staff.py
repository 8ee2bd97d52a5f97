from django.urls import path

from appraisals.views import staff

app_name = "staff"

urlpatterns = [
    path("ai-quality/", staff.ai_quality, name="ai-quality"),
    path("ai-quality/<int:version_id>/<str:name>", staff.ai_quality_plot, name="ai-quality-plot"),
    path("sla/", staff.sla_report, name="sla"),
]
