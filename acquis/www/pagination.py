"""Pages of a list: a bounded number of rows per page, the filters kept in the page links."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator

PAGE_SIZE = 50


@dataclass(frozen=True)
class Pager:
    """One page of a list and what its links need (see www/includes/pagination.html)."""

    page: Page
    param: str
    query: str  # the request's query string without this pager's page number

    def __iter__(self):
        return iter(self.page)

    def __len__(self):
        return len(self.page)


def paginate(request, items, *, per_page=PAGE_SIZE, param="page") -> Pager:
    """The requested page of `items` (an ordered queryset or a list); a bad number gives
    the first or the last page, never an error."""
    page = Paginator(items, per_page).get_page(request.GET.get(param))
    query = request.GET.copy()
    query.pop(param, None)
    return Pager(page=page, param=param, query=query.urlencode())
