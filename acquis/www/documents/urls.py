from django.urls import path

from acquis.www.documents import views

app_name = "documents"

urlpatterns = [path("<uuid:uuid>/", views.download, name="download")]
