"""Public verification and status lists, mounted at the root by config/urls.py."""

urlpatterns: list = []
