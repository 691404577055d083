from django.urls import path

from acquis.www.documents import views

urlpatterns = [path("<uuid:uuid>/", views.download, name="document_download")]
