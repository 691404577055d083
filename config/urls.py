from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Acquis — administration"
admin.site.site_title = "Acquis"

# One URL module per audience (acquis/www/<audience>/urls.py).
urlpatterns = [
    path("", include("acquis.www.public.urls")),
    path("", include("acquis.www.accounts.urls")),
    path("gestion/", include("acquis.www.staff.urls")),
    path("documents/", include("acquis.www.documents.urls")),
    path("mon-dossier/", include("acquis.www.candidate.urls")),
    path("partenaire/", include("acquis.www.partner.urls")),
    path("jury/", include("acquis.www.jury.urls")),
    path("api/v1/", include("acquis.api.urls")),
    path("admin/", admin.site.urls),
]
