from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api import views

app_name = "api"

urlpatterns = [
    path("v1/catalog/categories/", views.CategoryList.as_view(), name="categories"),
    path("v1/catalog/brands/", views.BrandList.as_view(), name="brands"),
    path("v1/catalog/models/", views.ProductModelList.as_view(), name="models"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
