"""The statements part's URLs."""

urlpatterns = []
