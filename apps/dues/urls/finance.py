"""The finance part's URLs."""

urlpatterns = []
