"""The confirmation step before an irreversible action (remitting a grid, closing a
deliberation, presenting a candidate to the jury): a page that says, in French, what will
happen, with a button that sends the same request again, confirmed, and a way back.

No JavaScript: the first POST shows the page (what was posted travels in hidden fields), the
second one, carrying `confirmation=oui`, runs the action. A request already confirmed (a
test client, a form that carries its own confirmation) goes straight through.
"""

from django.shortcuts import render

FIELD = "confirmation"
VALUE = "oui"


def confirmed(request) -> bool:
    return request.POST.get(FIELD) == VALUE


def ask(
    request,
    *,
    title: str,
    consequences: list[str],
    button: str,
    back_url: str,
    keep: tuple[str, ...] = (),
    warnings: list[str] | None = None,
    staff_menu: bool = False,
):
    """The confirmation page for the request being posted."""
    hidden = [(name, value) for name in keep for value in request.POST.getlist(name)]
    context = {
        "title": title,
        "consequences": consequences,
        "warnings": warnings or [],
        "button": button,
        "back_url": back_url,
        "hidden": hidden,
        "action": request.get_full_path(),
        "field": FIELD,
        "value": VALUE,
        "show_staff_menu": staff_menu,
    }
    return render(request, "www/confirm.html", context)


# What closing a deliberation means, said the same way to the jury and to the staff.
CLOSE_DELIBERATION = {
    "title": "Clore la délibération ?",
    "consequences": [
        "Les décisions prises sont arrêtées : elles ne se modifient plus sur l'écran de "
        "délibération (une erreur se corrige ensuite par une nouvelle décision motivée).",
        "Le procès-verbal est établi, numéroté et scellé par son empreinte.",
        "Chaque membre présent du jury le signe ensuite ; tant que personne ne l'a signé, "
        "la délibération peut être rouverte (le procès-verbal est alors remplacé).",
    ],
    "button": "Confirmer la clôture et établir le procès-verbal",
}
