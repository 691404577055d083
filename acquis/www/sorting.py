"""Sortable columns of a staff list: `?tri=<column>` (ascending) or `?tri=-<column>`.

Each list declares its columns once (label, and the ORDER BY of a sortable one); an unknown
`tri` is ignored and the list keeps its default order. The header links keep the search,
the filters and drop the page number (a new order starts at page 1); the pagination links
keep `tri` (acquis.www.pagination keeps the whole query string).
"""

from dataclasses import dataclass, field

from django.db.models import F

PARAM = "tri"


@dataclass(frozen=True)
class Column:
    key: str  # the value of ?tri= ("" for a column that does not sort)
    label: str
    order: tuple = ()  # field names or expressions, for ascending order


@dataclass(frozen=True)
class Header:
    """One <th> of the list, as www/includes/sort_header.html draws it."""

    label: str
    href: str = ""  # "" for a column that does not sort
    aria_sort: str = ""  # "ascending", "descending" or "" (not the sorting column)


@dataclass
class Sorter:
    columns: list[Column]
    key: str = ""
    descending: bool = False
    headers: list[Header] = field(default_factory=list)

    def order_by(self, queryset, default: tuple):
        """`queryset` in the chosen column's order (pk last, so pages never overlap), else
        in `default`."""
        column = next((c for c in self.columns if c.key and c.key == self.key), None)
        if column is None:
            return queryset.order_by(*default)
        terms = []
        for term in (*column.order, "pk"):
            expression = F(term) if isinstance(term, str) else term
            if hasattr(expression, "asc"):
                expression = expression.desc() if self.descending else expression.asc()
            terms.append(expression)
        return queryset.order_by(*terms)


def sorter(request, columns: list[Column], *, page_params=("page",)) -> Sorter:
    """The sort the request asks for among `columns`, with the header links to draw."""
    wanted = request.GET.get(PARAM, "")
    descending = wanted.startswith("-")
    key = wanted.removeprefix("-")
    if key not in {c.key for c in columns if c.key}:
        key, descending = "", False
    query = request.GET.copy()
    query.pop(PARAM, None)
    for param in page_params:
        query.pop(param, None)
    headers = []
    for column in columns:
        if not column.key:
            headers.append(Header(column.label))
            continue
        active = column.key == key
        # A click on the sorting column reverses it; on another column sorts it ascending.
        query[PARAM] = f"-{column.key}" if active and not descending else column.key
        aria = ("descending" if descending else "ascending") if active else ""
        headers.append(Header(column.label, "?" + query.urlencode(), aria))
    return Sorter(columns, key, descending, headers)
