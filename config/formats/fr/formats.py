"""French input formats: the same dates everywhere (forms and the candidates import).

Day first, with a slash, a dot or a dash ("12/03/2026", "12.03.2026", "12-03-2026"), or ISO
("2026-03-12", added by Django); four-digit years only, as in the import (a two-digit
year is ambiguous for a birth date).
"""

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"]
